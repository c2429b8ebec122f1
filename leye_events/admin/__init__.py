"""District admin pages: staff accounts."""
