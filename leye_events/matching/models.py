"""What matching needs to know about a seeker, and the consent recorded with each referral."""

from ..cases.models import CONSENT_METHOD_LABELS, ConsentMethod  # noqa: F401  (referrals' consent)
from ..core.enums import enum_column_type
from ..core.timeutil import UTCDateTime, utcnow
from ..employers.models import EDUCATION_LABELS, Education
from ..extensions import db


class SeekerProfile(db.Model):
    """The seeker's matching profile; edited by the seeker and by counselors of their station."""

    __tablename__ = "seeker_profiles"

    seeker_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    education = db.Column(enum_column_type(Education, "seeker_education"))
    skills = db.Column(db.String(500), nullable=False, default="")
    wished_posts = db.Column(db.String(300), nullable=False, default="")
    wished_places = db.Column(db.String(300), nullable=False, default="")
    # Monthly salary wish in yuan (the least the seeker would take).
    salary_wish = db.Column(db.Integer)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    seeker = db.relationship("User")

    @property
    def education_label(self) -> str:
        return str(EDUCATION_LABELS[self.education]) if self.education else ""


class ReferralConsent(db.Model):
    """The seeker agreed to be referred to the post: how, when, and who recorded it."""

    __tablename__ = "referral_consents"

    id = db.Column(db.Integer, primary_key=True)
    referral_id = db.Column(db.Integer, db.ForeignKey("referrals.id"), nullable=False, unique=True)
    method = db.Column(enum_column_type(ConsentMethod, "referral_consent_method"), nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    recorded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    note = db.Column(db.String(500), nullable=False, default="")

    referral = db.relationship("Referral")

    @property
    def method_label(self) -> str:
        return str(CONSENT_METHOD_LABELS[self.method])
