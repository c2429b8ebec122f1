"""Consent recorded with referrals made elsewhere (the case page), beside those made from a match."""
from ..cases.signals import referral_made
from ..extensions import db
from .models import ReferralConsent


@referral_made.connect
def keep_referral_consent(referral, consent=None, actor=None, **_kw):
    db.session.add(ReferralConsent(referral_id=referral.id, method=consent,
                                   recorded_by_id=getattr(actor, "id", None)))
