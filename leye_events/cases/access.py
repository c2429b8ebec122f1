"""Who may see and do what with cases, and whose station's figures a user sees.

- counselors see and work the cases of their station; admins all cases;
- organizers see the cases of their station without notes (and may not change them);
- door staff and seekers see no case (a seeker sees their own history through ``timeline.seeker_history``);
- figures: counselors and organizers see their own station's, admins any station's or the district's.
"""
from flask_babel import gettext as _

from ..accounts.models import Role
from ..core.errors import Forbidden
from ..events.models import Event
from .models import Case

CASE_VIEW_ROLES = (Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN)


CASE_WORK_ROLES = (Role.COUNSELOR, Role.ADMIN)
FIGURES_ROLES = (Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN)


def may_view_case(user, case: Case) -> bool:
    """Counselors and organizers of the case's station, and admins."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role in CASE_VIEW_ROLES and case.station_id is not None and user.station_id == case.station_id


def may_work_case(user, case: Case) -> bool:
    """Counselors of the case's station, and admins: notes, referrals, outcomes, status."""
    return may_view_case(user, case) and user.role in CASE_WORK_ROLES


def may_see_notes(user) -> bool:
    """Organizers see figures and attendance, not the counselor's notes."""
    return getattr(user, "role", None) in CASE_WORK_ROLES


def may_follow_up(user, event: Event) -> bool:
    """Counselors of the event's station (and admins) follow up on its no-shows."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COUNSELOR and user.station_id == event.station_id


def require_work(user, case: Case) -> None:
    """Forbidden unless ``user`` may work the case (``may_work_case``)."""
    if not may_work_case(user, case):
        raise Forbidden("forbidden", _("您无权处理该服务档案。"))


def figures_station(user, requested):
    """The station whose figures ``user`` sees when asking for ``requested`` (a Station, or None for
    "mine" — the district for admins). Admins: the one requested. Counselors and organizers: their
    own station only (Forbidden for another one, or when they have none). Everyone else: Forbidden.

    The one rule behind the figures pages, their spreadsheet and ``GET /api/v1/figures``.
    """
    role = getattr(user, "role", None)
    if role not in FIGURES_ROLES:
        raise Forbidden("forbidden", _("您无权查看统计数据。"))
    if role == Role.ADMIN:
        return requested
    own = user.station
    if own is None or (requested is not None and requested.id != own.id):
        raise Forbidden("forbidden", _("只能查看本乐业空间的统计数据。"))
    return own
