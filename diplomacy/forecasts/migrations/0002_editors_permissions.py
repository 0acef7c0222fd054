"""Let the Editors group resolve topics and annul resolutions, and see the scores they make."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_resolution", "change_resolution", "view_resolution", "view_score"]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="forecasts", codename__in=CODENAMES)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); make sure they exist now.
    app_config = apps.get_app_config("forecasts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0001_initial"), ("scenarios", "0002_editors_group")]

    operations = [migrations.RunPython(grant, revoke)]
