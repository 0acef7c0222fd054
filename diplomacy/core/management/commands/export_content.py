"""python manage.py export_content [FILE]: editorial content, its history and public annotations as JSON."""

import json
import sys

from django.core.management.base import BaseCommand

from diplomacy.core.portability import export_content


class Command(BaseCommand):
    help = (
        "Write all editorial content (signposts, developments and revisions included) and public annotations "
        "as JSON (to FILE, or standard output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write; standard output if left out")

    def handle(self, *args, file: str | None, **options):
        text = json.dumps(export_content(), ensure_ascii=False, indent=1)
        if file:
            with open(file, "w", encoding="utf-8") as out:
                out.write(text)
            self.stderr.write(f"Wrote {file}.")
        else:
            sys.stdout.write(text)
