"""Editors curate content in the admin, and can do nothing more."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.utils.html import escape

from diplomacy.scenarios.admin import source_label
from diplomacy.scenarios.models import Scenario, Topic
from tests.factories import (
    make_factor,
    make_influence,
    make_scenario,
    make_source,
    make_topic,
    make_topic_with_scenarios,
)

pytestmark = pytest.mark.django_db

CONTENT = ["topic", "outcome", "scenario", "factor", "influence", "source"]


def test_the_editors_group_has_exactly_the_content_timeline_moderation_and_resolving_permissions():
    permissions = Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", "codename")
    edit = ("add", "change", "delete", "view")
    content = {("scenarios", f"{action}_{model}") for model in [*CONTENT, "signpost"] for action in edit}
    annotating = {("annotations", f"{action}_annotation") for action in edit}
    moderating = {("annotations", c) for c in ("moderate_annotation", "view_flag", "view_moderationevent")}
    developments = {
        ("timeline", f"{action}_{model}")
        for model in ("development", "developmentsource", "signpostmark")
        for action in edit
    }
    # Revisions are recorded and read, never changed or deleted.
    revisions = {("timeline", c) for c in ("add_revision", "view_revision", "add_estimate", "view_estimate")}
    # Resolutions are made and annulled (a change), never deleted; readers' estimates are theirs.
    resolving = {("forecasts", c) for c in ("add_resolution", "change_resolution", "view_resolution", "view_score")}
    assert set(permissions) == content | annotating | moderating | developments | revisions | resolving


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
            "signposts": scenario.signposts, "implications": scenario.implications,
            "likelihood_rationale": "why", "influences-TOTAL_FORMS": 0, "influences-INITIAL_FORMS": 0,
            "signpost_items-TOTAL_FORMS": 0, "signpost_items-INITIAL_FORMS": 0,
            "annotations-TOTAL_FORMS": 0, "annotations-INITIAL_FORMS": 0,
        }  # fmt: skip

    assert first.post(url, form("The first editor's title")).status_code == 302
    response = second.post(url, form("The second editor's title"))
    assert response.status_code == 200
    assert "saved this since you opened it" in response.text
    assert "The second editor&#x27;s title" in response.text  # their text is kept in the form
    scenario.refresh_from_db()
    assert scenario.title == "The first editor's title"


def _scenario_form(scenario: Scenario, **changes) -> dict:
    """The scenario change form as the admin sends it back untouched, with `changes` applied."""
    form = {
        "topic": scenario.topic.pk,
        "outcome": scenario.outcome.pk,
        "title": scenario.title,
        "slug": scenario.slug,
        "is_published": "on",
        "narrative": scenario.narrative,
        "signposts": scenario.signposts,
        "implications": scenario.implications,
        "likelihood_rationale": scenario.likelihood_rationale,
        "sources": [source.pk for source in scenario.sources.all()],
        "signpost_items-TOTAL_FORMS": 0,
        "signpost_items-INITIAL_FORMS": 0,
        "influences-TOTAL_FORMS": 0,
        "influences-INITIAL_FORMS": 0,
        "annotations-TOTAL_FORMS": 0,
        "annotations-INITIAL_FORMS": 0,
    }
    return form | changes


def _save_scenario(client, scenario: Scenario, **changes) -> Scenario:
    response = client.post(f"/admin/scenarios/scenario/{scenario.pk}/change/", _scenario_form(scenario, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return Scenario.objects.get(pk=scenario.pk)


def test_source_chips_lead_with_the_quotes_first_words(client, editor):
    scenario = make_scenario()
    same_section = "Potential Discussion Topics and Global Implications"
    arms = make_source(section=same_section, quote="Arms control could be back on the table, along with new limits.")
    trade = make_source(section=same_section, quote="Trade could follow once sanctions are eased step by step.")
    scenario.sources.add(arms, trade)
    client.force_login(editor)

    page = client.get(f"/admin/scenarios/scenario/{scenario.pk}/change/").text

    assert source_label(arms) == f"“Arms control could be back on the table,…” ({same_section})"
    assert source_label(arms) != source_label(trade)
    for source in (arms, trade):
        assert f'<option value="{source.pk}" selected>{escape(source_label(source))}</option>' in page


@pytest.mark.parametrize("model", ["topic", "scenario", "factor"])
def test_the_sources_autocomplete_labels_its_results_as_the_chips(client, editor, model):
    source = make_source(
        section="A shared heading", quote="Keeping the lines open allows for the management of crises."
    )
    make_source(section="A shared heading", quote="Another passage entirely.")
    client.force_login(editor)

    page = client.get(f"/admin/scenarios/{model}/add/").text
    assert 'data-ajax--url="/admin/scenarios/source/autocomplete/"' in page
    response = client.get(
        "/admin/scenarios/source/autocomplete/",
        {"term": "lines open", "app_label": "scenarios", "model_name": model, "field_name": "sources"},
    )

    assert response.json()["results"] == [{"id": str(source.pk), "text": source_label(source)}]


def test_the_sources_autocomplete_is_for_editors_only(client, contributor):
    make_source()
    client.force_login(contributor)
    query = {"term": "", "app_label": "scenarios", "model_name": "scenario", "field_name": "sources"}
    response = client.get("/admin/scenarios/source/autocomplete/", query)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.parametrize("page", ["scenario", "factor", "influence"])
def test_influence_reasons_are_written_in_text_areas(client, editor, page):
    reason = "A reason long enough to need more than one line of the form."
    influence = make_influence(make_scenario(), make_factor(), reason=reason)
    url, name = {
        "scenario": (f"/admin/scenarios/scenario/{influence.scenario.pk}/change/", "influences-0-reason"),
        "factor": (f"/admin/scenarios/factor/{influence.factor.pk}/change/", "influences-0-reason"),
        "influence": (f"/admin/scenarios/influence/{influence.pk}/change/", "reason"),
    }[page]
    client.force_login(editor)

    response = client.get(url)

    assert f'<textarea name="{name}" cols="50" rows="3" maxlength="300"' in response.text
    assert f"{reason}</textarea>" in response.text
    assert f'name="{name}" value=' not in response.text  # no one-line box


def test_the_likelihood_and_its_date_are_read_only_with_a_way_to_reestimate_the_topic(client, editor):
    scenario = make_scenario(likelihood=20)
    Scenario.objects.filter(pk=scenario.pk).update(estimated_at=datetime(2025, 1, 19, 12, tzinfo=UTC))
    client.force_login(editor)
    response = client.get(f"/admin/scenarios/scenario/{scenario.pk}/change/")
    fieldsets = {name: options["fields"] for name, options in response.context["adminform"].model_admin.fieldsets}
    assert fieldsets["Editor's estimate"] == ["current_likelihood", "estimate_date", "likelihood_rationale"]
    url = f"/admin/scenarios/topic/{scenario.topic.pk}/re-estimate/"
    assert f'20 % <a class="button reestimate-link" href="{url}">Re-estimate the topic</a>' in response.text
    assert 'name="likelihood"' not in response.text
    assert 'name="estimated_at_0"' not in response.text
    assert '<div class="readonly">Jan. 19, 2025</div>' in response.text
    assert "set it to date an estimate by hand" not in response.text  # the model's help, untrue here
    assert "change together, adding up to 100 %, with a reason" in response.text
    Scenario.objects.filter(pk=scenario.pk).update(likelihood=12)
    assert '12 %<div class="mini quiet">as of Jan. 19, 2025</div>' in client.get("/admin/scenarios/scenario/").text


def test_staff_who_may_not_reestimate_see_the_likelihood_without_the_link(client):
    from django.contrib.auth.models import Permission

    scenario = make_scenario(likelihood=20)
    user = User.objects.create_user("scenario-editor", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_scenario", "change_scenario"]))
    client.force_login(user)
    page = client.get(f"/admin/scenarios/scenario/{scenario.pk}/change/").text
    assert '<div class="readonly">20 %</div>' in page
    assert "Re-estimate" not in page


def test_a_likelihood_or_its_date_posted_with_the_scenario_form_changes_nothing(client, editor):
    from diplomacy.timeline.models import Revision

    scenario = make_scenario(likelihood=20)
    dated = datetime(2025, 1, 19, 12, 0, 0, 123456, tzinfo=UTC)
    Scenario.objects.filter(pk=scenario.pk).update(estimated_at=dated)
    scenario.refresh_from_db()
    client.force_login(editor)

    saved = _save_scenario(
        client, scenario, title="A new title", likelihood=35, estimated_at_0="2024-01-01", estimated_at_1="12:00:00"
    )

    assert saved.title == "A new title"
    assert (saved.likelihood, saved.estimated_at) == (20, dated)  # to the microsecond
    assert not Revision.objects.exists()


def test_the_topic_page_shows_its_scenarios_likelihoods_read_only(client, editor, outcomes):
    topic = make_topic_with_scenarios(outcomes)
    client.force_login(editor)
    page = client.get(f"/admin/scenarios/topic/{topic.pk}/change/").text
    assert 'name="scenarios-0-title"' in page
    assert 'name="scenarios-0-likelihood"' not in page
    assert re.search(r'<td class="field-likelihood">\s*<p>25</p>\s*</td>', page)


def test_sources_show_and_take_their_documents_date(client, editor):
    source = make_source(document_date=datetime(2025, 1, 19).date())
    client.force_login(editor)
    assert "Jan. 19, 2025" in client.get("/admin/scenarios/source/").text
    page = client.get(f"/admin/scenarios/source/{source.pk}/change/")
    assert 'name="document_date" value="2025-01-19"' in page.text
    assert "When the document was published, if known." in page.text
    form = {
        "key": source.key,
        "document_title": source.document_title,
        "author": source.author,
        "document_date": "2024-12-31",
        "section": source.section,
        "quote": source.quote,
    }
    assert client.post(f"/admin/scenarios/source/{source.pk}/change/", form).status_code == 302
    source.refresh_from_db()
    assert source.document_date == datetime(2024, 12, 31).date()


# A factor pushing every scenario of a topic the same way changes nothing: the admin refuses it.


def _two_outcome_topic(outcomes) -> tuple[Scenario, Scenario]:
    topic = make_topic(title="Arms control")
    return make_scenario(topic=topic, outcome=outcomes[0]), make_scenario(topic=topic, outcome=outcomes[3])


def _influence_forms(*rows: tuple[str, int, int], initial: int = 0, prefix: str = "influences") -> dict:
    """An inline's influence forms: (the other end's field name, its pk, strength) each, all new unless `initial`."""
    form: dict = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial}
    for n, (field, pk, strength) in enumerate(rows):
        form |= {f"{prefix}-{n}-{field}": pk, f"{prefix}-{n}-strength": strength, f"{prefix}-{n}-reason": "Why."}
    return form


ALL_UP = escape(
    "“Expiring treaties” pushes every outcome of Arms control up, which changes nothing: influences move "
    "likelihood between outcomes, so at least one outcome must be pushed the other way or not at all."
)


def test_the_scenario_admin_refuses_influences_that_leave_a_factor_pushing_every_scenario_alike(
    client, editor, outcomes
):
    good, bad = _two_outcome_topic(outcomes)
    treaties = make_factor(name="Expiring treaties")
    make_influence(bad, treaties, strength=1)
    client.force_login(editor)
    url = f"/admin/scenarios/scenario/{good.pk}/change/"

    refused = client.post(url, _scenario_form(good) | _influence_forms(("factor", treaties.pk, 2)))

    assert refused.status_code == 200
    assert ALL_UP in refused.text
    assert not good.influences.exists()
    _save_scenario(client, good, **_influence_forms(("factor", treaties.pk, -1)))
    assert good.influences.get().strength == -1


def test_the_scenario_admin_refuses_turning_the_last_other_way_influence_round(client, editor, outcomes):
    good, bad = _two_outcome_topic(outcomes)
    treaties = make_factor(name="Expiring treaties")
    make_influence(good, treaties, strength=1)
    other_way = make_influence(bad, treaties, strength=-1)
    client.force_login(editor)
    form = _scenario_form(bad) | _influence_forms(("factor", treaties.pk, 2), initial=1)
    form |= {"influences-0-id": other_way.pk, "influences-0-scenario": bad.pk}

    refused = client.post(f"/admin/scenarios/scenario/{bad.pk}/change/", form)

    assert ALL_UP in refused.text
    other_way.refresh_from_db()
    assert other_way.strength == -1
    form |= {"influences-0-DELETE": "on"}  # leaving it out is fine: the factor then leaves that outcome alone
    assert client.post(f"/admin/scenarios/scenario/{bad.pk}/change/", form).status_code == 302
    assert list(treaties.influences.values_list("scenario", flat=True)) == [good.pk]


def _factor_form(factor, **changes) -> dict:
    form = {
        "name": factor.name,
        "slug": factor.slug,
        "description": factor.description,
        "order": factor.order,
        "weaker": factor.weaker,
        "stronger": factor.stronger,
        "influences-TOTAL_FORMS": 0,
        "influences-INITIAL_FORMS": 0,
    }
    return form | changes


def test_the_factor_admin_refuses_influences_pushing_every_scenario_of_a_topic_alike(client, editor, outcomes):
    good, bad = _two_outcome_topic(outcomes)
    elsewhere = make_scenario(outcome=outcomes[0])  # another topic, of two scenarios once the next is made
    make_scenario(topic=elsewhere.topic, outcome=outcomes[1])
    treaties = make_factor(name="Expiring treaties")
    client.force_login(editor)
    url = f"/admin/scenarios/factor/{treaties.pk}/change/"
    all_up = _influence_forms(("scenario", good.pk, 1), ("scenario", bad.pk, 2), ("scenario", elsewhere.pk, 1))

    refused = client.post(url, _factor_form(treaties) | all_up)

    assert refused.status_code == 200
    assert ALL_UP in refused.text
    assert refused.text.count("which changes nothing") == 1  # the other topic has a scenario left alone
    assert not treaties.influences.exists()
    mixed = _influence_forms(("scenario", good.pk, 1), ("scenario", bad.pk, -2), ("scenario", elsewhere.pk, 1))
    assert client.post(url, _factor_form(treaties) | mixed).status_code == 302
    assert treaties.influences.count() == 3


def test_the_influence_admin_refuses_one_that_leaves_its_factor_pushing_every_scenario_alike(client, editor, outcomes):
    good, bad = _two_outcome_topic(outcomes)
    treaties = make_factor(name="Expiring treaties")
    make_influence(bad, treaties, strength=2)
    client.force_login(editor)
    form = {"factor": treaties.pk, "scenario": good.pk, "strength": 1, "reason": "Why."}

    refused = client.post("/admin/scenarios/influence/add/", form)

    assert refused.status_code == 200
    assert ALL_UP in refused.text
    assert treaties.influences.count() == 1
    assert client.post("/admin/scenarios/influence/add/", form | {"strength": -1}).status_code == 302
    assert treaties.influences.count() == 2


def test_the_factor_admin_edits_how_readers_ask_what_if(client, editor):
    congress = make_factor(name="Congress")
    client.force_login(editor)
    page = client.get(f"/admin/scenarios/factor/{congress.pk}/change/").text
    assert 'name="weaker"' in page and "Ends “What if …?” for this force at its weaker" in page
    form = _factor_form(congress, weaker="Congress resists less", stronger="Congress resists more")
    assert client.post(f"/admin/scenarios/factor/{congress.pk}/change/", form).status_code == 302
    congress.refresh_from_db()
    assert congress.what_if_weaker == "What if Congress resists less?"
    assert congress.what_if_stronger == "What if Congress resists more?"
