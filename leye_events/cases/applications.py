"""Applications (投递) on the seeker's case: written in the employer's transaction through the
employers feature's signals. ``hired`` records the employment outcome (employer, post, date)."""
from flask_babel import gettext as _

from ..audit.services import record
from ..core.timeutil import today_local
from ..employers.models import APPLICATION_STATUS_LABELS, Application, ApplicationStatus
from ..extensions import db
from .models import CaseStatus, EntryKind, Outcome
from .operations import add_entry, case_for


def _details(application: Application) -> dict:
    return {"employer": application.employer.name, "post": application.post.title,
            "post_id": application.post_id, "result": application.status.value,
            "event_id": application.event_id}


def record_application(application: Application, actor) -> None:
    """The seeker applied: an ``application`` entry on the case."""
    case = case_for(application.seeker)
    add_entry(case, EntryKind.APPLICATION, actor, application_id=application.id, event_id=application.event_id,
              details=_details(application))


def record_application_result(application: Application, actor, note: str = "") -> None:
    """The employer (or staff) moved the application: an entry with the result; ``hired`` also adds
    the employment outcome once and marks the case employed."""
    case = case_for(application.seeker)
    outcome_id = None
    if application.status == ApplicationStatus.HIRED:
        outcome = Outcome(case=case, employer_id=application.employer_id, post_id=application.post_id,
                          start_date=today_local(), event_id=application.event_id, application_id=application.id,
                          created_by_id=getattr(actor, "id", None))
        db.session.add(outcome)
        db.session.flush()
        outcome_id = outcome.id
        details = {**_details(application), "start_date": outcome.start_date.isoformat()}
        add_entry(case, EntryKind.OUTCOME, actor, outcome_id=outcome.id, event_id=application.event_id,
                  application_id=application.id, details=details)
        record("case.outcome", case, actor=actor, station_id=case.station_id, outcome_id=outcome.id)
    add_entry(case, EntryKind.APPLICATION, actor, body=note, application_id=application.id,
              event_id=application.event_id, outcome_id=outcome_id, details={**_details(application), "update": True})
    if outcome_id is not None and case.status != CaseStatus.EMPLOYED:
        # The employer acts here, not a counselor: the change is the system's, attributed to the actor.
        previous = case.status
        case.status = CaseStatus.EMPLOYED
        case.status_reason = _("已就业：%(employer)s", employer=application.employer.name)
        add_entry(case, EntryKind.STATUS_CHANGE, actor, body=case.status_reason,
                  details={"from": previous.value, "to": CaseStatus.EMPLOYED.value})


def application_entry_title(entry) -> str:
    details = entry.details or {}
    what = details.get("employer", "") + (f" · {details['post']}" if details.get("post") else "")
    if details.get("update"):
        result = details.get("result")
        label = str(APPLICATION_STATUS_LABELS[ApplicationStatus(result)]) \
            if result in ApplicationStatus.values() else ""
        return _("投递结果（%(result)s）：%(what)s", result=label, what=what)
    return _("投递岗位：%(what)s", what=what)
