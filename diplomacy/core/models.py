"""The content version: one row whose token changes whenever anything a reader can see changes.

Cached pages are stored under keys that carry this token, so a change invalidates
them in every worker and on every app server at once, whatever the cache backend.
A random token (not a counter) means a restored or rebuilt database never reuses one.
"""

from __future__ import annotations

import uuid

from django.db import models


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
        token = cls.objects.filter(pk=1).values_list("token", flat=True).first()
        return token or cls.bump()

    @classmethod
    def bump(cls) -> str:
        token = _token()
        cls.objects.update_or_create(pk=1, defaults={"token": token})
        return token
