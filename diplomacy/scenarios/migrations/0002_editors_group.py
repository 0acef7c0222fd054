"""Create the "Editors" group with exactly the permissions editors need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
EDITED_MODELS = ["topic", "outcome", "scenario", "factor", "influence", "source"]
ACTIONS = ["add", "change", "delete", "view"]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("scenarios")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [f"{action}_{model}" for model in EDITED_MODELS for action in ACTIONS]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="scenarios", codename__in=codenames))


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scenarios", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
