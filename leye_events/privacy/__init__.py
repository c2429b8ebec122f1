"""Personal-data rights (PIPL arts. 44–47): export, consent withdrawal and deletion, retention, the audit log."""
