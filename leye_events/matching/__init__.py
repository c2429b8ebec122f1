"""岗位推介: the seeker's matching profile, ranking posts and seekers, referrals with consent."""
