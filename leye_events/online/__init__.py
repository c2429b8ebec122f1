"""Online and hybrid events: the personal join link and online attendance (through the check-in log)."""
