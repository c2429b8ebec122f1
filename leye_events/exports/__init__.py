"""Attendance lists of an event: CSV, XLSX, JSON and a printable sign-in sheet."""
