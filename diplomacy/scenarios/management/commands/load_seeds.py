"""python manage.py load_seeds: load seeds/ into the database, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diplomacy.scenarios.seeds import DEFAULT_PATH, SeedError, load_seeds, read_seeds


class Command(BaseCommand):
    help = "Load the seed content (outcomes, sources, factors, topics with their scenarios, developments). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="The seeds folder (default: seeds/).")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite objects that differ from their seed, editors' changes included.",
        )

    def handle(self, *args, path: Path, update: bool, **options):
        try:
            seeds = read_seeds(path)
        except SeedError as error:
            raise CommandError(
                f"Nothing was loaded: {len(error.problems)} problem(s) in the seed files.\n" + "\n".join(error.problems)
            ) from None
        report = load_seeds(seeds, update=update)
        for kind, verb in ((report.created, "Created"), (report.updated, "Updated")):
            if kind:
                self.stdout.write(
                    self.style.SUCCESS(f"{verb}: " + ", ".join(f"{n} {label}" for label, n in kind.items()))
                )
        if report.unchanged:
            self.stdout.write("Unchanged: " + ", ".join(f"{n} {label}" for label, n in report.unchanged.items()))
        for line in report.skipped:
            self.stdout.write(self.style.WARNING(f"Skipped {line}"))
        if not report.changed_anything:
            self.stdout.write("Nothing to do: the database already holds the seed content.")
