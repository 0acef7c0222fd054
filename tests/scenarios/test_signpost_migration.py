"""Migration 0007 turns each scenario's signposts text into Signpost items, losing nothing."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("scenarios", "0006_sqlite_search"), ("timeline", None)]
AFTER = [("scenarios", "0007_signpost_items")]


def migrate(targets):
    """Migrate to `targets`; the models as they are there (apps of the migration state)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_each_line_becomes_a_signpost_in_order_and_the_text_is_kept():
    old = migrate(BEFORE)
    Topic, Outcome, Scenario = (old.get_model("scenarios", name) for name in ("Topic", "Outcome", "Scenario"))
    topic = Topic.objects.create(
        title="T", slug="t", summary="S", background="B", stakes="S", us_position="U", russia_position="R"
    )
    outcome = Outcome.objects.create(name="O", slug="o", order=1)
    text = "  Envoys meet.\n\nA date is set for a summit.  \n" + "x" * 400
    scenario = Scenario.objects.create(
        topic=topic, outcome=outcome, title="S", slug="s", narrative="N", signposts=text, implications="I"
    )
    try:
        new = migrate(AFTER)
        items = list(new.get_model("scenarios", "Signpost").objects.filter(scenario_id=scenario.pk).order_by("order"))
        assert [(item.order, item.text) for item in items] == [
            (0, "Envoys meet."),
            (1, "A date is set for a summit."),
            (2, "x" * 300),  # the longest a signpost may be; the full line stays in the searched text
        ]
        assert new.get_model("scenarios", "Scenario").objects.get(pk=scenario.pk).signposts == text
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
