"""Editors curate content in the admin, and can do nothing more."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from diplomacy.scenarios.models import Scenario, Topic
from tests.factories import make_scenario, make_topic, make_topic_with_scenarios

pytestmark = pytest.mark.django_db

CONTENT = ["topic", "outcome", "scenario", "factor", "influence", "source"]


def test_the_editors_group_has_exactly_the_content_and_moderation_permissions():
    permissions = Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", "codename")
    content = {
        ("scenarios", f"{action}_{model}") for model in CONTENT for action in ("add", "change", "delete", "view")
    }
    annotating = {("annotations", f"{action}_annotation") for action in ("add", "change", "delete", "view")}
    moderating = {("annotations", c) for c in ("moderate_annotation", "view_flag", "view_moderationevent")}
    assert set(permissions) == content | annotating | moderating


@pytest.mark.parametrize("model", CONTENT)
def test_an_editor_can_open_every_content_list_and_add_form(client, editor, model):
    client.force_login(editor)
    assert client.get(f"/admin/scenarios/{model}/").status_code == 200
    assert client.get(f"/admin/scenarios/{model}/add/").status_code == 200


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"])
def test_an_editor_cannot_manage_accounts(client, editor, url):
    client.force_login(editor)
    assert client.get(url).status_code == 403


def test_a_signed_in_non_editor_is_sent_to_the_admin_login(client, contributor):
    client.force_login(contributor)
    response = client.get("/admin/scenarios/topic/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_an_editor_edits_a_topic_and_its_history_says_who(client, editor, outcomes):
    topic = make_topic_with_scenarios(outcomes, title="Trade")
    client.force_login(editor)
    page = client.get(f"/admin/scenarios/topic/{topic.pk}/change/")
    assert page.status_code == 200
    form = {
        "title": "Trade and energy",
        "slug": topic.slug,
        "summary": topic.summary,
        "order": topic.order,
        "is_published": "on",
        "background": topic.background,
        "stakes": topic.stakes,
        "us_position": topic.us_position,
        "russia_position": topic.russia_position,
        "sources": [s.pk for s in topic.sources.all()],
        "scenarios-TOTAL_FORMS": 0,
        "scenarios-INITIAL_FORMS": 0,
    }
    response = client.post(f"/admin/scenarios/topic/{topic.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    topic.refresh_from_db()
    assert topic.title == "Trade and energy"
    assert topic.history.first().history_user == editor
    assert client.get(f"/admin/scenarios/topic/{topic.pk}/history/").status_code == 200


def test_an_editor_can_unpublish_and_publish_scenarios(client, editor):
    scenario = make_scenario()
    client.force_login(editor)
    url = "/admin/scenarios/scenario/"
    client.post(url, {"action": "unpublish", "_selected_action": [scenario.pk]})
    assert not Scenario.objects.get(pk=scenario.pk).is_published
    client.post(url, {"action": "publish", "_selected_action": [scenario.pk]})
    assert Scenario.objects.get(pk=scenario.pk).is_published
    assert scenario.history.first().history_change_reason == "published"


def test_admin_search_and_filters_work(client, editor):
    make_topic(title="Cybersecurity")
    client.force_login(editor)
    assert "Cybersecurity" in client.get("/admin/scenarios/topic/?q=cyber").text
    assert client.get("/admin/scenarios/scenario/?is_published__exact=1").status_code == 200


def test_create_editor_makes_a_staff_user_in_the_editors_group(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a-long-enough-passphrase")
    call_command("create_editor", "alice", "--no-input")
    alice = User.objects.get(username="alice")
    assert alice.is_staff and not alice.is_superuser
    assert alice.groups.filter(name="Editors").exists()
    assert alice.check_password("a-long-enough-passphrase")


def test_create_editor_promotes_an_existing_user(contributor):
    call_command("create_editor", contributor.username, "--no-input")
    contributor.refresh_from_db()
    assert contributor.is_staff
    assert contributor.groups.filter(name="Editors").exists()


def test_create_editor_refuses_a_weak_or_missing_password(monkeypatch):
    with pytest.raises(CommandError, match="DJANGO_EDITOR_PASSWORD"):
        call_command("create_editor", "bob", "--no-input")
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_editor", "bob", "--no-input")
    assert not User.objects.filter(username="bob").exists()
    assert Topic.objects.count() == 0


def test_a_second_editor_saving_a_stale_form_is_told_of_the_conflict(client, editor, outcomes):
    from django.contrib.auth.models import Group
    from django.test import Client

    topic = make_topic_with_scenarios(outcomes)
    scenario = topic.scenarios.first()
    other_editor = User.objects.create_user("editor2", password="x", is_staff=True)
    other_editor.groups.add(Group.objects.get(name="Editors"))
    url = f"/admin/scenarios/scenario/{scenario.pk}/change/"
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other_editor)
    loaded = first.get(url).context["adminform"].form["loaded_version"].value()
    assert loaded == second.get(url).context["adminform"].form["loaded_version"].value()

    def form(title: str) -> dict:
        return {
            "topic": topic.pk, "outcome": scenario.outcome.pk, "title": title, "slug": scenario.slug,
            "is_published": "on", "loaded_version": loaded, "narrative": scenario.narrative,
            "signposts": scenario.signposts, "implications": scenario.implications, "likelihood": 30,
            "likelihood_rationale": "why", "influences-TOTAL_FORMS": 0, "influences-INITIAL_FORMS": 0,
            "annotations-TOTAL_FORMS": 0, "annotations-INITIAL_FORMS": 0,
        }  # fmt: skip

    assert first.post(url, form("The first editor's title")).status_code == 302
    response = second.post(url, form("The second editor's title"))
    assert response.status_code == 200
    assert "saved this since you opened it" in response.text
    assert "The second editor&#x27;s title" in response.text  # their text is kept in the form
    scenario.refresh_from_db()
    assert scenario.title == "The first editor's title"
