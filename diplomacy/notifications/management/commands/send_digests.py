"""Send what is due by email: daily digests, and emails meant to go at once whose tasks failed.

Run it from cron, e.g. every hour (a reader gets at most one digest in DIGEST_EVERY):
    0 * * * *  cd /srv/diplomacy && .venv/bin/python manage.py send_digests
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from diplomacy.notifications.emails import send_due


class Command(BaseCommand):
    help = "Email each reader's daily digest when due, and any email still pending that should have gone already."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Send digests now, even to readers who had one in the last day."
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        digests, overdue = send_due(force=force)
        self.stdout.write(
            f"Sent {digests} digest{'s' if digests != 1 else ''}; retried emails for {overdue} reader{'s' if overdue != 1 else ''}."
        )
