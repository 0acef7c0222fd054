"""python manage.py create_editor USERNAME: make (or promote) an editor account."""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS = "Editors"


class Command(BaseCommand):
    help = (
        "Create an editor (staff, in the Editors group), or make an existing user one. "
        "The password is asked for, or read from DJANGO_EDITOR_PASSWORD with --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    @transaction.atomic
    def handle(self, *args, username: str, email: str, interactive: bool, **options):
        try:
            group = Group.objects.get(name=EDITORS)
        except Group.DoesNotExist:
            raise CommandError("The Editors group is missing: run `python manage.py migrate` first.") from None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=email)
            user.set_password(self._password(user, interactive))
            verb = "Created editor"
        else:
            verb = "Made existing user an editor:"
        user.is_staff = True
        user.save()
        user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"{verb} {username}."))

    def _password(self, user, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get("DJANGO_EDITOR_PASSWORD", "")
            if not password:
                raise CommandError("Set DJANGO_EDITOR_PASSWORD to the new editor's password when using --no-input.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was created.")
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
        return password
