"""Annotations: contributors' and editors' remarks on scenarios, and their moderation."""
