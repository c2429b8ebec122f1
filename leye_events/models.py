"""Imports every feature's tables so that the metadata (and Alembic) sees them all."""
from .accounts.models import ApiToken, User  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .booking.models import Registration  # noqa: F401
from .cases.models import Case, CaseEntry, Outcome, Referral  # noqa: F401
from .checkin.models import CheckIn  # noqa: F401
from .employers.models import (  # noqa: F401
    Application,
    Booth,
    Employer,
    InterviewBooking,
    InterviewSlot,
    Post,
    Visit,
)
from .events.models import Event, EventSession  # noqa: F401
from .feedback.models import Feedback  # noqa: F401
from .matching.models import ReferralConsent, SeekerProfile  # noqa: F401
from .notifications.models import Notification, SmsCode  # noqa: F401
from .outreach.models import Contact, OutreachImport, Prospect  # noqa: F401
from .stations.models import Station  # noqa: F401
