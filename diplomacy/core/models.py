"""Cache versions: one row per scope (a part of the content) whose token changes whenever that part does.

Cached pages and fragments are stored under keys made of the tokens of the scopes
they show (diplomacy/core/cache.py states the rule), so a change invalidates them in
every worker and on every app server at once, whatever the cache backend. Tokens are
random, not counters, so a restored or rebuilt database never reuses one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import IntegrityError, connection, models, transaction

# Part of every key: bumping it invalidates everything (bulk loads that bypass signals do).
EPOCH = "epoch"


def _token() -> str:
    return uuid.uuid4().hex


class Version(models.Model):
    scope = models.CharField(max_length=255, primary_key=True)
    token = models.CharField(max_length=32, default=_token)

    class Meta:
        verbose_name = "cache version"

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"

    @classmethod
    def tokens(cls, scopes: Iterable[str]) -> dict[str, str]:
        """The current token of each scope and of the epoch, in one query.

        A scope that has never changed has no row, and the token "" (its pages were
        cached under the epoch's token alone, which a rebuilt database does not share).
        """
        wanted = sorted({EPOCH, *scopes})
        marks = ", ".join(["%s"] * len(wanted))
        # Raw SQL: this runs for every cached page and fragment, and the ORM would double its cost.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT scope, token FROM {cls._meta.db_table} WHERE scope IN ({marks})", wanted)  # noqa: S608 (placeholders only)
            found = dict(cursor.fetchall())
        if EPOCH not in found:
            found[EPOCH] = cls._start_epoch()
        return {scope: found.get(scope, "") for scope in wanted}

    @classmethod
    def _start_epoch(cls) -> str:
        try:
            with transaction.atomic():
                return cls.objects.get_or_create(scope=EPOCH)[0].token
        except IntegrityError:  # another process made it first
            return cls.objects.get(scope=EPOCH).token

    @classmethod
    def bump(cls, scopes: Iterable[str]) -> None:
        """Give each scope a new token: every key made with the old one is never asked for again."""
        rows = [Version(scope=scope, token=_token()) for scope in sorted(set(scopes))]
        if rows:
            Version.objects.bulk_create(rows, update_conflicts=True, unique_fields=["scope"], update_fields=["token"])
