"""The public read API, /api/v1/: published content and public annotations as JSON (django-ninja)."""
