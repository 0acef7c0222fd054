"""Give the Editors group what recording developments and re-estimating topics need, and no more."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED = ["add", "change", "delete", "view"]
CODENAMES = {
    "timeline": [
        *(f"{action}_{model}" for model in ("development", "developmentsource", "signpostmark") for action in EDITED),
        # Revisions are recorded by the re-estimate form, never changed or deleted: a kept record.
        "add_revision",
        "view_revision",
        "add_estimate",
        "view_estimate",
    ],
    # The signposts on scenarios, which developments mark.
    "scenarios": [f"{action}_signpost" for action in EDITED],
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in CODENAMES.items():
        yield from Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); make sure they exist now.
    for app_label in CODENAMES:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0002_first_revisions"),
        ("scenarios", "0007_signpost_items"),
        ("scenarios", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
