"""What the cases feature tells others (blinker signals)."""
from blinker import signal

# sender: the Referral just made on the case page; kwargs: consent (ConsentMethod), actor
referral_made = signal("referral-made")
