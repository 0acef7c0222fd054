"""export_content and import_content: the round trip loses nothing that is exported."""

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from diplomacy.annotations.models import Annotation
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Signpost, Source, Topic
from diplomacy.timeline.models import Development, DevelopmentSource, Estimate, Revision, SignpostMark
from tests.factories import make_annotation, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
TIMELINE = [Estimate, Revision, SignpostMark, DevelopmentSource, Development, Signpost]
CONTENT = [Annotation, *TIMELINE, Influence, Scenario, Factor, Topic, Source, Outcome]


@pytest.fixture
def content(outcomes, contributor, other_contributor, editor):
    topic = make_topic_with_scenarios(outcomes, title="Trade")
    scenario = topic.scenarios.first()
    make_annotation(scenario, contributor, body="Public *words*", quote="The first paragraph")
    make_annotation(scenario, other_contributor, kind="question", body="A question", source_url="https://example.org")
    make_annotation(scenario, contributor, body="Private words", is_public=False)
    make_annotation(scenario, contributor, body="Hidden words", state="hidden")
    make_history(topic, editor)
    return topic


def make_history(topic: Topic, editor: User) -> None:
    """Signposts, a development with two sources that marks one, and two revisions (the second by an editor)."""
    scenarios = list(topic.scenarios.order_by("outcome__order"))
    for scenario in scenarios:
        for order, text in enumerate(["Envoys meet.", "A text is agreed."]):
            Signpost.objects.create(scenario=scenario, text=text, order=order)
    development = Development.objects.create(
        title="Envoys meet in Riyadh", happened_on=date(2025, 2, 18), summary="They meet.", is_published=True
    )
    development.topics.add(topic)
    DevelopmentSource.objects.create(
        development=development, title="A report", publisher="A paper", url="https://example.org/r", quote="They met."
    )
    DevelopmentSource.objects.create(development=development, title="A book", publisher="A press", quote="Words.")
    SignpostMark.objects.create(
        development=development, signpost=scenarios[0].signpost_items.first(), state="observed", note="They met."
    )
    Revision.snapshot(topic, as_of=date(2025, 1, 19), reason="Where the estimates started.")
    Revision.record(
        topic,
        {s.pk: n for s, n in zip(scenarios, [40, 30, 20, 10], strict=True)},
        reason="The envoys met.",
        as_of=date(2025, 2, 19),
        editor=editor,
        development=development,
    )


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


def test_the_round_trip_carries_signposts_developments_and_revisions(content, tmp_path, editor):
    export(tmp_path)
    empty_the_content()
    call_command("import_content", str(tmp_path / "content.json"))
    scenario = Scenario.objects.get(outcome__slug="breakthrough")
    assert list(scenario.signpost_items.values_list("text", flat=True)) == ["Envoys meet.", "A text is agreed."]
    assert scenario.signposts == "Envoys meet.\nA text is agreed."
    development = Development.objects.get()
    assert list(development.topics.all()) == [content]
    assert list(development.sources.values_list("title", "url")) == [
        ("A report", "https://example.org/r"),
        ("A book", ""),
    ]
    mark = SignpostMark.objects.get()
    assert (mark.development, mark.signpost.text, mark.signpost.scenario) == (development, "Envoys meet.", scenario)
    first, second = Revision.objects.chronological()
    assert (first.editor, first.development) == (None, None)
    assert (second.editor, second.development, second.reason) == (editor, development, "The envoys met.")
    assert second.estimates.get(scenario=scenario).likelihood == 40
    assert second.estimates.get(scenario=scenario).previous == 25
    assert first.estimates.get(scenario=scenario).previous is None
    assert (scenario.likelihood, scenario.estimated_at.date()) == (40, date(2025, 2, 19))


def test_revisions_go_to_the_editor_with_their_username_here(content: Topic, tmp_path: Path, editor: User) -> None:
    export(tmp_path)
    empty_the_content()
    editor.delete()
    account = User.objects.create_user("other-account", pk=editor.pk)  # the editor's old key, someone else's now
    renamed = User.objects.create_user("editor", "editor@example.org", "new-password")
    call_command("import_content", str(tmp_path / "content.json"))
    assert Revision.objects.get(reason="The envoys met.").editor == renamed
    assert not Revision.objects.filter(editor=account).exists()


def test_it_makes_an_account_for_an_editor_new_to_this_database(content: Topic, tmp_path: Path, editor: User) -> None:
    export(tmp_path)
    empty_the_content()
    editor.delete()
    call_command("import_content", str(tmp_path / "content.json"))
    account = Revision.objects.get(reason="The envoys met.").editor
    assert account.username == "editor"
    assert not account.has_usable_password() and not account.is_staff


def test_it_refuses_a_revision_whose_editor_is_not_in_the_document(content: Topic, tmp_path: Path) -> None:
    document = export(tmp_path)
    document["objects"].remove(exported_user(document, "editor"))
    (tmp_path / "content.json").write_text(json.dumps(document))
    empty_the_content()
    with pytest.raises(CommandError, match=r"revision \d+ is by user \d+, who is not in the document"):
        call_command("import_content", str(tmp_path / "content.json"))
    assert not any(model._default_manager.exists() for model in CONTENT)


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


def test_only_authors_of_public_annotations_and_editors_of_revisions_are_exported(content, tmp_path):
    Annotation.objects.filter(body="A question").update(is_public=False)
    users = [o["fields"] for o in export(tmp_path)["objects"] if o["model"] == "auth.user"]
    assert sorted(user["username"] for user in users) == ["contributor", "editor"]
    assert all(set(user) == {"username", "date_joined", "is_active"} for user in users)


def test_existing_accounts_are_left_alone(content, tmp_path, contributor):
    export(tmp_path)
    empty_the_content()
    call_command("import_content", str(tmp_path / "content.json"))
    contributor.refresh_from_db()
    assert contributor.check_password("contributor-password")


def exported_user(document: dict[str, Any], username: str) -> dict[str, Any]:
    return next(o for o in document["objects"] if o["model"] == "auth.user" and o["fields"]["username"] == username)


def test_it_gives_annotations_to_their_author_not_to_whoever_holds_the_same_key_here(
    content: Topic, tmp_path: Path, contributor: User
) -> None:
    export(tmp_path)
    empty_the_content()
    key = contributor.pk
    contributor.delete()
    stranger = User.objects.create_user("stranger", "stranger@example.org", "stranger-password", pk=key)
    call_command("import_content", str(tmp_path / "content.json"))
    assert Annotation.objects.get(body="Public *words*").author.username == "contributor"
    assert not Annotation.objects.filter(author=stranger).exists()
    stranger.refresh_from_db()
    assert stranger.username == "stranger" and stranger.check_password("stranger-password")


def test_it_gives_annotations_to_the_account_here_with_the_authors_username(
    content: Topic, tmp_path: Path, contributor: User
) -> None:
    export(tmp_path)
    empty_the_content()
    contributor.delete()
    account = User.objects.create_user("contributor", "contributor@example.org", "new-password")
    call_command("import_content", str(tmp_path / "content.json"))
    assert User.objects.filter(username="contributor").count() == 1
    assert set(account.annotations.values_list("body", flat=True)) == {"Public *words*"}
    account.refresh_from_db()
    assert account.check_password("new-password") and account.email == "contributor@example.org"


def test_it_gives_each_author_their_own_annotations_when_their_keys_are_swapped_here(
    content: Topic, tmp_path: Path, contributor: User, other_contributor: User
) -> None:
    export(tmp_path)
    empty_the_content()
    mine, theirs = contributor.pk, other_contributor.pk
    User.objects.filter(pk__in=[mine, theirs]).delete()
    User.objects.create_user("contributor", pk=theirs)
    User.objects.create_user("other", pk=mine)
    call_command("import_content", str(tmp_path / "content.json"))
    by_author = dict(Annotation.objects.values_list("author__username", "body"))
    assert by_author == {"contributor": "Public *words*", "other": "A question"}


def test_it_makes_an_account_for_an_author_new_to_this_database(
    content: Topic, tmp_path: Path, contributor: User
) -> None:
    document = export(tmp_path)
    key = exported_user(document, "contributor")["pk"]
    empty_the_content()
    contributor.delete()
    call_command("import_content", str(tmp_path / "content.json"))
    account = User.objects.get(username="contributor")
    assert account.pk != key  # the key is this database's to give, not the document's
    assert set(account.annotations.values_list("body", flat=True)) == {"Public *words*"}
    assert not account.has_usable_password()
    assert (account.date_joined, account.is_active) == (contributor.date_joined, True)


def test_it_refuses_an_annotation_whose_author_is_not_in_the_document_and_imports_nothing(
    content: Topic, tmp_path: Path, contributor: User
) -> None:
    document = export(tmp_path)
    document["objects"].remove(exported_user(document, "contributor"))
    newcomer = {"username": "newcomer", "date_joined": "2026-01-02T12:00:00+00:00", "is_active": True}
    document["objects"].insert(0, {"model": "auth.user", "pk": 999_999, "fields": newcomer})
    (tmp_path / "content.json").write_text(json.dumps(document))
    empty_the_content()
    contributor.delete()
    with pytest.raises(CommandError, match="not in the document"):
        call_command("import_content", str(tmp_path / "content.json"))
    assert not User.objects.filter(username="newcomer").exists()
    assert not any(model._default_manager.exists() for model in CONTENT)


def test_new_content_after_an_import_gets_fresh_keys(content, tmp_path, contributor):
    export(tmp_path)
    empty_the_content()
    call_command("import_content", str(tmp_path / "content.json"))
    highest = Annotation.objects.order_by("-pk").first().pk
    new = make_annotation(Scenario.objects.first(), contributor)
    assert new.pk > highest
    for model in TIMELINE:
        highest = model._default_manager.order_by("-pk").first().pk
        copy = model._default_manager.order_by("pk").first()
        copy.pk = None
        if isinstance(copy, Signpost):
            copy.order = 9  # the copy, put last, is its scenario's own
        elif isinstance(copy, SignpostMark):
            copy.signpost = Signpost.objects.exclude(marks__isnull=False).first()
        elif isinstance(copy, Estimate):
            copy.revision = Revision.objects.create(topic=content, as_of=copy.revision.as_of, reason="Again.")
        copy.save()
        assert copy.pk > highest, model


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
