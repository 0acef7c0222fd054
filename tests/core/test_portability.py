"""export_content and import_content: the round trip loses nothing that is exported."""

import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from diplomacy.annotations.models import Annotation
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Source, Topic
from tests.factories import make_annotation, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
CONTENT = [Annotation, Influence, Scenario, Factor, Topic, Source, Outcome]


@pytest.fixture
def content(outcomes, contributor, other_contributor):
    topic = make_topic_with_scenarios(outcomes, title="Trade")
    scenario = topic.scenarios.first()
    make_annotation(scenario, contributor, body="Public *words*", quote="The first paragraph")
    make_annotation(scenario, other_contributor, kind="question", body="A question", source_url="https://example.org")
    make_annotation(scenario, contributor, body="Private words", is_public=False)
    make_annotation(scenario, contributor, body="Hidden words", state="hidden")
    return topic


def empty_the_content():
    for model in CONTENT:
        model.objects.all().delete()


def export(tmp_path, name="content.json") -> dict:
    path = tmp_path / name
    call_command("export_content", str(path))
    return json.loads(path.read_text())


def test_the_round_trip_is_lossless(content, tmp_path):
    first = export(tmp_path)
    empty_the_content()
    call_command("import_content", str(tmp_path / "content.json"))
    again = export(tmp_path, "again.json")
    assert [o for o in again["objects"] if o not in first["objects"]] == []
    assert again == first
    assert Scenario.objects.count() == 4
    assert Topic.objects.get().sources.count() == 1
    assert set(Annotation.objects.values_list("body", flat=True)) == {"Public *words*", "A question"}
    assert Annotation.objects.get(body="Public *words*").body_html == "<p>Public <em>words</em></p>\n"


def test_times_keep_their_microseconds(content, tmp_path):
    """Django's JSON cuts times to milliseconds; 12:00:00.000500 must not come back as 12:00:00."""
    exact = datetime(2026, 1, 2, 12, 0, 0, 500, tzinfo=UTC)
    Annotation.objects.filter(body="Public *words*").update(created_at=exact, edited_at=exact)
    export(tmp_path)
    empty_the_content()
    call_command("import_content", str(tmp_path / "content.json"))
    annotation = Annotation.objects.get(body="Public *words*")
    assert (annotation.created_at, annotation.edited_at) == (exact, exact)


def test_private_and_hidden_annotations_and_personal_data_are_not_exported(content, tmp_path):
    text = json.dumps(export(tmp_path))
    assert "Private words" not in text and "Hidden words" not in text
    assert "@example.org" not in text and "password" not in text


def test_existing_accounts_are_left_alone(content, tmp_path, contributor):
    export(tmp_path)
    empty_the_content()
    call_command("import_content", str(tmp_path / "content.json"))
    contributor.refresh_from_db()
    assert contributor.check_password("contributor-password")


def test_new_content_after_an_import_gets_fresh_keys(content, tmp_path, contributor):
    export(tmp_path)
    empty_the_content()
    call_command("import_content", str(tmp_path / "content.json"))
    highest = Annotation.objects.order_by("-pk").first().pk
    new = make_annotation(Scenario.objects.first(), contributor)
    assert new.pk > highest


def test_importing_into_a_database_with_content_is_refused(content, tmp_path):
    export(tmp_path)
    with pytest.raises(CommandError, match="already has content"):
        call_command("import_content", str(tmp_path / "content.json"))


def test_a_file_that_is_not_an_export_is_refused(db, tmp_path):
    (tmp_path / "other.json").write_text('{"some": "thing"}')
    with pytest.raises(CommandError, match="not a diplomacy-content document"):
        call_command("import_content", str(tmp_path / "other.json"))
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_content", str(tmp_path / "broken.json"))
