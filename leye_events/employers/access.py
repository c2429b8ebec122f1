"""Who may do what with employers and their things. One rule, one place: services and views ask here.

Staff who work with employers are organizers and counselors (of the employer's station, or of any
station for an employer no station has taken yet) and admins. An ``employer`` account acts for its own
employer only. Door staff and employers never see a seeker's category, case or notes.
"""
from ..accounts.models import Role

EMPLOYER_STAFF_ROLES = frozenset({Role.ORGANIZER, Role.COUNSELOR, Role.ADMIN})


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_employer_staff(user) -> bool:
    """Organizers, counselors and admins: they may list employers and enter new ones."""
    return _authenticated(user) and user.role in EMPLOYER_STAFF_ROLES


def is_staff_for_station(user, station_id: int | None) -> bool:
    """Organizers and counselors of ``station_id`` (any of them where it is None), and admins."""
    if not is_employer_staff(user):
        return False
    if user.role == Role.ADMIN:
        return True
    return station_id is None or user.station_id == station_id


def acts_for(user, employer_id: int | None) -> bool:
    """The account is an employer account of that employer."""
    return _authenticated(user) and user.role == Role.EMPLOYER and user.employer_id == employer_id


def may_edit_employer(user, employer) -> bool:
    """Change the employer's record, record visits, create its accounts: staff of its station."""
    return is_staff_for_station(user, employer.station_id)


def may_view_employer(user, employer) -> bool:
    return is_employer_staff(user) or acts_for(user, employer.id)


def may_manage_posts(user, employer) -> bool:
    """Add and change the employer's posts: staff of its station, or the employer itself."""
    return may_edit_employer(user, employer) or acts_for(user, employer.id)


def may_organize_event(user, event) -> bool:
    """Attach booths to an event: its station's organizers, and admins."""
    if not _authenticated(user):
        return False
    return user.role == Role.ADMIN or (user.role == Role.ORGANIZER and user.station_id == event.station_id)


def may_see_applicants(user, post) -> bool:
    """A post's applicants: its employer, and staff of the post's (or employer's) station."""
    return acts_for(user, post.employer_id) or is_staff_for_station(user, post.station_id or post.employer.station_id)
