"""Small pieces shared by every feature: time, masking, database helpers."""
