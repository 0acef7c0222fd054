"""PostgreSQL only: a GIN index on the scenarios' search vectors, and the vectors filled in.

SQLite has neither tsvector nor GIN: there the explorer searches the text itself.
"""

from django.db import migrations

INDEX = "scenario_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON scenarios_scenario USING gin (search_vector)")
    from diplomacy.scenarios.models import SEARCH_VECTOR

    apps.get_model("scenarios", "Scenario").objects.update(search_vector=SEARCH_VECTOR)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("scenarios", "0003_search_vector")]

    operations = [migrations.RunPython(create_index, drop_index)]
