"""岗位推介: the seeker's matching profile, ranking posts and seekers, referrals with consent."""
from . import receivers  # noqa: F401  (consent of case-page referrals)
