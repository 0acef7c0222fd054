"""The content version: one row whose token changes whenever anything a reader can see changes.

Cached pages are stored under keys that carry this token, so a change invalidates
them in every worker and on every app server at once, whatever the cache backend.
A random token (not a counter) means a restored or rebuilt database never reuses one.
"""

from __future__ import annotations

import uuid

from django.db import connection, models


def _token() -> str:
    return uuid.uuid4().hex


class ContentVersion(models.Model):
    token = models.CharField(max_length=32, default=_token)

    class Meta:
        verbose_name = "content version"

    def __str__(self) -> str:
        return self.token

    @classmethod
    def current(cls) -> str:
        # Raw SQL: this runs on every anonymous page view, and the ORM would double its cost.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {cls._meta.db_table} WHERE id = 1")  # noqa: S608 (no user input)
            row = cursor.fetchone()
        return row[0] if row else cls.bump()

    @classmethod
    def bump(cls) -> str:
        token = _token()
        cls.objects.update_or_create(pk=1, defaults={"token": token})
        return token
