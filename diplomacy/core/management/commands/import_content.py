"""python manage.py import_content FILE: load what export_content wrote, into an empty database."""

import json

from django.core.management.base import BaseCommand, CommandError

from diplomacy.core.portability import ImportRefused, import_content


class Command(BaseCommand):
    help = "Load a document written by export_content into a database that has no content yet."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            with open(file, encoding="utf-8") as source:
                document = json.load(source)
            count = import_content(document)
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        except ImportRefused as error:
            raise CommandError(f"Nothing was imported: {error}.") from None
        self.stdout.write(self.style.SUCCESS(f"Imported {count} objects."))
