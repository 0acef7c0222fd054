"""Content portability: all editorial content, its history and public annotations as one JSON document, and back.

The document keeps primary keys, so links between objects (and permalinks to
annotations) survive the trip. Users appear only as the usernames of the authors of
public annotations and of the editors of revisions: no email addresses, no passwords.
Accounts are not content, so an import matches them by username, not by key: a key in
the document may belong to someone else in the database it is loaded into.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.contrib.auth.models import User
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from diplomacy.annotations.models import Annotation
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Signpost, Source, Topic
from diplomacy.timeline.models import Development, DevelopmentSource, Estimate, Revision, SignpostMark

from .models import EPOCH, Version

FORMAT = "diplomacy-content"
VERSION = 1
# In the order they must be loaded.
MODELS = [
    *(Outcome, Source, Topic, Factor, Scenario, Signpost, Influence),
    *(Development, DevelopmentSource, SignpostMark),
    *(User, Annotation, Revision, Estimate),
]
SKIPPED_FIELDS: dict[type[models.Model], set[str]] = {Scenario: {"search_vector"}}


class ImportRefused(Exception):
    pass


def _fields(model: type[models.Model]) -> list[str]:
    if model is User:
        return ["username", "date_joined", "is_active"]
    names = [f.name for f in model._meta.local_fields if not f.primary_key] + [
        f.name for f in model._meta.local_many_to_many
    ]
    return [name for name in names if name not in SKIPPED_FIELDS.get(model, set())]


def _public_annotations() -> models.QuerySet[Annotation]:
    """Public, shown annotations, and the replies in threads everyone can see (every reply with
    the one it answers, so the export loads back whole)."""
    everyone = Annotation.objects.for_everyone()
    kept = set(everyone.filter(parent__isnull=True).values_list("pk", flat=True))
    dropped = []
    for pk, parent in everyone.filter(parent__isnull=False).order_by("created_at", "pk").values_list("pk", "parent"):
        if parent in kept:
            kept.add(pk)
        else:
            dropped.append(pk)
    return everyone.exclude(pk__in=dropped)


def _querysets() -> dict[type[models.Model], models.QuerySet[Any]]:
    public = _public_annotations()
    named = models.Q(pk__in=public.values("author")) | models.Q(pk__in=Revision.objects.values("editor"))
    querysets: dict[type[models.Model], models.QuerySet[Any]] = {
        model: model._default_manager.order_by("pk") for model in MODELS
    }
    return querysets | {User: User.objects.filter(named).order_by("pk"), Annotation: public.order_by("pk")}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; an export must keep them whole, or
    12:00:00.000500 comes back as 12:00:00 and the next export differs from the first."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def export_content() -> dict[str, Any]:
    objects = []
    for model, queryset in _querysets().items():
        document = serializers.serialize("json", queryset, fields=_fields(model), cls=ExactJSONEncoder)
        objects += json.loads(document)
    return {"format": FORMAT, "version": VERSION, "objects": objects}


def import_content(document: dict[str, Any]) -> int:
    """Load an exported document into a database with no content; returns how many objects."""
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise ImportRefused(f"not a {FORMAT} document of version {VERSION}")
    if any(model._default_manager.exists() for model in MODELS if model is not User):
        raise ImportRefused("the database already has content: import into an empty one")
    with transaction.atomic():
        items = list(serializers.deserialize("json", json.dumps(document["objects"])))
        accounts, count = _accounts([item.object for item in items if isinstance(item.object, User)])
        for item in items:
            if isinstance(item.object, User):
                continue
            if isinstance(item.object, Annotation):
                item.object.author_id = _account(accounts, item.object.author_id, f"annotation {item.object.pk}")
            elif isinstance(item.object, Revision) and item.object.editor_id is not None:
                item.object.editor_id = _account(accounts, item.object.editor_id, f"revision {item.object.pk}")
            item.save()
            count += 1
        with connection.cursor() as cursor:  # new rows must not reuse the imported keys (PostgreSQL)
            for sql in connection.ops.sequence_reset_sql(no_style(), MODELS):
                cursor.execute(sql)
        Scenario.objects.refresh_search_vectors()
        Version.bump([EPOCH])
    return count


def _accounts(authors: list[User]) -> tuple[dict[int, int], int]:
    """Map each exported user's key to the key of the account with their username here,
    making the accounts that are missing; returns the map and how many accounts were made.

    An existing account is left as it is; a new one gets the key this database gives it,
    never the exported one, which may be someone else's here."""
    existing = dict(User.objects.filter(username__in=[a.username for a in authors]).values_list("username", "pk"))
    accounts: dict[int, int] = {}
    made = 0
    for author in authors:
        if author.username not in existing:
            account = User(username=author.username, date_joined=author.date_joined, is_active=author.is_active)
            account.set_unusable_password()
            account.save()
            existing[author.username] = account.pk
            made += 1
        accounts[author.pk] = existing[author.username]
    return accounts, made


def _account(accounts: dict[int, int], user: int, what: str) -> int:
    """The key here of the account of the exported user with the key `user`."""
    if user not in accounts:
        raise ImportRefused(f"{what} is by user {user}, who is not in the document")
    return accounts[user]
