"""Give the Editors group what moderation and annotating in the admin need, and no more."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "add_annotation",  # editors annotate while they edit a scenario
    "change_annotation",  # … and edit their own (the admin refuses others' words)
    "delete_annotation",  # … and delete their own
    "view_annotation",
    "moderate_annotation",
    "view_flag",
    "view_moderationevent",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("annotations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="annotations", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="annotations"))


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("scenarios", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
