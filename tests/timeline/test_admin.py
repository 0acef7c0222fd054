"""Editors record developments in the admin, and re-estimate a topic's outcomes together with a reason."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from diplomacy.scenarios.models import Scenario, Signpost, Topic
from diplomacy.timeline.forms import OTHER_TOPIC, running_total
from diplomacy.timeline.models import Development, DevelopmentSource, Revision, SignpostMark
from tests.factories import make_topic, make_topic_with_scenarios

pytestmark = pytest.mark.django_db

DEVELOPMENTS = "/admin/timeline/development/"
REVISIONS = "/admin/timeline/revision/"
TODAY = timezone.localdate()


# Data of our own (tests/timeline/factories.py is another module's): small and explicit.


def _signpost(scenario: Scenario, text: str) -> Signpost:
    return Signpost.objects.create(scenario=scenario, text=text)


def _development(*topics: Topic, **fields) -> Development:
    defaults = {"title": "Envoys meet in Geneva", "happened_on": datetime.date(2025, 2, 10), "summary": "They met."}
    development = Development.objects.create(**defaults | fields)
    development.topics.add(*topics)
    return development


def _scenarios(topic: Topic) -> list[Scenario]:
    return list(topic.scenarios.order_by("outcome__order"))


@pytest.fixture
def arms(outcomes) -> Topic:
    """A published topic with four scenarios at 25 % each, and a signpost on its first."""
    topic = make_topic_with_scenarios(outcomes, title="Arms control", slug="arms-control")
    _signpost(_scenarios(topic)[0], "Negotiators meet on a successor treaty")
    return topic


@pytest.fixture
def trade(outcomes) -> Topic:
    topic = make_topic_with_scenarios(outcomes, title="Trade", slug="trade")
    _signpost(_scenarios(topic)[0], "Sanctions on banks are eased")
    return topic


@pytest.fixture
def editor_client(client, editor) -> Client:
    client.force_login(editor)
    return client


def _development_form(topics: list[Topic], *, sources=(), marks=(), initial=(0, 0), **fields) -> dict:
    """The development add/change form as the admin posts it: `sources` and `marks` are dicts of their fields."""
    form = {
        "title": "Envoys meet in Geneva",
        "slug": "",
        "happened_on": "2025-02-10",
        "summary": "Deputy foreign ministers met for a day of talks on strategic stability.",
        "topics": [topic.pk for topic in topics],
        "is_published": "on",
        "sources-TOTAL_FORMS": len(sources),
        "sources-INITIAL_FORMS": initial[0],
        "signpost_marks-TOTAL_FORMS": len(marks),
        "signpost_marks-INITIAL_FORMS": initial[1],
    }
    for prefix, rows in (("sources", sources), ("signpost_marks", marks)):
        for n, row in enumerate(rows):
            form |= {f"{prefix}-{n}-{name}": value for name, value in row.items()}
    return form | fields


SOURCE = {
    "title": "Envoys meet in Geneva",
    "publisher": "A Wire Service",
    "published_on": "2025-02-10",
    "url": "https://news.example.org/geneva",
    "quote": "The two sides agreed to meet again within a month.",
}


def _mark(signpost: Signpost, **fields) -> dict:
    return {"signpost": signpost.pk, "state": "observed", "note": "They met, as the signpost said."} | fields


def _errors(response) -> dict:
    """The errors of the main form and of each inline, by field: {"happened_on": [...], "sources-0-url": [...]}."""
    assert response.status_code == 200, f"expected the form again, got {response.status_code}"
    errors = {name: list(messages) for name, messages in response.context["adminform"].form.errors.items()}
    for inline in response.context["inline_admin_formsets"]:
        for n, form_errors in enumerate(inline.formset.errors):
            errors |= {f"{inline.formset.prefix}-{n}-{name}": list(m) for name, m in form_errors.items()}
    return errors


# Developments


def test_an_editor_records_a_development_with_a_source_and_a_signpost_mark(editor_client, editor, arms):
    signpost = arms.scenarios.get(outcome__order=1).signpost_items.get()
    form = _development_form([arms], sources=[SOURCE], marks=[_mark(signpost)])

    response = editor_client.post(f"{DEVELOPMENTS}add/", form)

    assert response.status_code == 302, _errors(response)
    development = Development.objects.get()
    assert development.slug == "envoys-meet-in-geneva"
    assert list(development.topics.all()) == [arms]
    assert development.sources.get().url == "https://news.example.org/geneva"
    mark = development.signpost_marks.get()
    assert (mark.signpost, mark.state, mark.note) == (signpost, "observed", "They met, as the signpost said.")
    assert {record.history_user for record in development.history.all()} == {editor}  # saved, then its topics


def test_the_add_form_offers_sources_in_text_areas_and_every_signpost_by_topic_and_scenario(editor_client, arms, trade):
    page = editor_client.get(f"{DEVELOPMENTS}add/").text
    assert '<textarea name="sources-0-quote" cols="60" rows="3"' in page
    assert f'name="topics" value="{arms.pk}"' in page  # one checkbox per topic
    for topic in (arms, trade):
        scenario = _scenarios(topic)[0]
        signpost = scenario.signpost_items.get()
        assert f">{escape(f'{topic.title} › {scenario.title}: {signpost.text}')}</option>" in page


def test_a_developments_page_offers_only_its_topics_signposts(editor_client, arms, trade):
    development = _development(arms)
    page = editor_client.get(f"{DEVELOPMENTS}{development.pk}/change/").text
    assert "Negotiators meet on a successor treaty</option>" in page
    assert "Sanctions on banks are eased" not in page


def test_an_editor_changes_a_development_and_its_history_says_who_and_what(editor_client, editor, arms, trade):
    development = _development(arms)
    source = DevelopmentSource.objects.create(development=development, **SOURCE | {"published_on": None})
    url = f"{DEVELOPMENTS}{development.pk}/change/"
    form = _development_form(
        [arms, trade],
        title="Envoys meet again in Geneva",
        slug=development.slug,
        sources=[SOURCE | {"id": source.pk, "development": development.pk, "title": "A second meeting"}],
        initial=(1, 0),
    )

    response = editor_client.post(url, form)

    assert response.status_code == 302, _errors(response)
    development.refresh_from_db()
    assert development.title == "Envoys meet again in Geneva"
    assert set(development.topics.all()) == {arms, trade}
    assert development.sources.get().title == "A second meeting"
    history = editor_client.get(f"{url.removesuffix('change/')}history/")
    assert history.status_code == 200
    assert "Envoys meet again in Geneva" in history.text
    assert editor.username in history.text
    assert development.history.first().history_user == editor


def test_a_development_adds_a_topic_and_marks_its_signpost_in_one_save(editor_client, arms, trade):
    development = _development(arms)
    signpost = _scenarios(trade)[0].signpost_items.get()
    form = _development_form([arms, trade], slug=development.slug, marks=[_mark(signpost)])

    response = editor_client.post(f"{DEVELOPMENTS}{development.pk}/change/", form)

    assert response.status_code == 302, _errors(response)
    assert development.signpost_marks.get().signpost == signpost


def test_an_editor_deletes_a_development_with_its_sources_and_marks(editor_client, arms):
    development = _development(arms)
    DevelopmentSource.objects.create(development=development, **SOURCE | {"published_on": None})
    signpost = _scenarios(arms)[0].signpost_items.get()
    SignpostMark.objects.create(development=development, signpost=signpost, state="observed", note="Seen.")

    response = editor_client.post(f"{DEVELOPMENTS}{development.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Development.objects.exists()
    assert not DevelopmentSource.objects.exists() and not SignpostMark.objects.exists()
    assert Signpost.objects.filter(pk=signpost.pk).exists()


def test_developments_are_listed_filtered_searched_and_published(
    editor_client, arms, trade, django_assert_max_num_queries
):
    for n in range(12):
        _development(arms, trade, title=f"Meeting number {n}", happened_on=datetime.date(2025, 1, n + 1))
    _development(trade, title="Tariffs lifted", happened_on=datetime.date(2024, 12, 1))

    with django_assert_max_num_queries(15):
        page = editor_client.get(DEVELOPMENTS).text
    assert "Meeting number 11" in page and "Arms control, Trade" in page
    assert "?happened_on__year=2024" in page  # the date hierarchy
    filtered = editor_client.get(DEVELOPMENTS, {"topics__id__exact": trade.pk, "q": "tariffs"}).text
    assert "Tariffs lifted" in filtered and "Meeting number" not in filtered

    tariffs = Development.objects.get(title="Tariffs lifted")
    editor_client.post(DEVELOPMENTS, {"action": "publish", "_selected_action": [tariffs.pk]})
    tariffs.refresh_from_db()
    assert tariffs.is_published
    assert tariffs.history.first().history_change_reason == "published"
    editor_client.post(DEVELOPMENTS, {"action": "unpublish", "_selected_action": [tariffs.pk]})
    tariffs.refresh_from_db()
    assert not tariffs.is_published


# Bad input: the error by its field, and nothing the editor typed lost.


def test_a_development_dated_in_the_future_is_refused_by_its_date(editor_client, arms):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    form = _development_form([arms], sources=[SOURCE], happened_on=tomorrow, title="A summit to come")

    response = editor_client.post(f"{DEVELOPMENTS}add/", form)

    assert _errors(response) == {"happened_on": ["A development has happened: its date cannot be in the future."]}
    assert 'id="id_happened_on_error"' in response.text
    assert f'value="{tomorrow}"' in response.text
    assert 'value="A summit to come"' in response.text
    assert SOURCE["quote"] in response.text
    assert not Development.objects.exists()


@pytest.mark.parametrize("url", ["ftp://files.example.org/report.pdf", "javascript:alert(1)", "mailto:a@example.org"])
def test_a_source_address_that_is_not_http_is_refused_by_its_field(editor_client, arms, url):
    form = _development_form([arms], sources=[SOURCE | {"url": url, "quote": "Words to keep."}])

    response = editor_client.post(f"{DEVELOPMENTS}add/", form)

    assert _errors(response) == {"sources-0-url": ["Give an http:// or https:// address."]}
    assert 'id="id_sources-0-url_error"' in response.text
    assert f'value="{escape(url)}"' in response.text
    assert "Words to keep.</textarea>" in response.text
    assert not Development.objects.exists()


def test_a_source_address_without_a_scheme_is_taken_as_https(editor_client, arms):
    form = _development_form([arms], sources=[SOURCE | {"url": "news.example.org/geneva"}])
    assert editor_client.post(f"{DEVELOPMENTS}add/", form).status_code == 302
    assert DevelopmentSource.objects.get().url == "https://news.example.org/geneva"


def test_a_new_development_cannot_mark_a_signpost_of_a_topic_it_is_not_about(editor_client, arms, trade):
    signpost = _scenarios(trade)[0].signpost_items.get()
    form = _development_form([arms], marks=[_mark(signpost, note="A note to keep")])

    response = editor_client.post(f"{DEVELOPMENTS}add/", form)

    assert _errors(response) == {"signpost_marks-0-signpost": [OTHER_TOPIC]}
    assert f'<option value="{signpost.pk}" selected>' in response.text
    assert 'value="A note to keep"' in response.text
    assert not Development.objects.exists()


def test_a_development_cannot_keep_a_mark_of_a_topic_it_no_longer_is_about(editor_client, arms, trade):
    development = _development(arms, trade)
    signpost = _scenarios(trade)[0].signpost_items.get()
    mark = SignpostMark.objects.create(development=development, signpost=signpost, state="observed", note="Seen.")
    form = _development_form(
        [arms],
        slug=development.slug,
        marks=[_mark(signpost, id=mark.pk, development=development.pk)],
        initial=(0, 1),
    )

    response = editor_client.post(f"{DEVELOPMENTS}{development.pk}/change/", form)

    # Said once, though both the form and the model check it.
    assert _errors(response) == {"signpost_marks-0-signpost": [OTHER_TOPIC]}
    assert set(development.topics.all()) == {arms, trade}


def test_the_models_own_check_runs_on_a_saved_development(arms, trade):
    """What the admin relies on for a saved development: SignpostMark.clean() says the same."""
    from django.core.exceptions import ValidationError

    development = _development(arms)
    mark = SignpostMark(development=development, signpost=_scenarios(trade)[0].signpost_items.get(), state="observed")
    with pytest.raises(ValidationError) as error:
        mark.clean()
    assert error.value.message_dict == {"signpost": [OTHER_TOPIC]}


# Re-estimates


def _reestimate_url(topic: Topic) -> str:
    return reverse("admin:scenarios_topic_reestimate", args=[topic.pk])


def _reestimate_form(topic: Topic, numbers: list[int | str], **fields) -> dict:
    names = {f"scenario-{scenario.pk}": number for scenario, number in zip(_scenarios(topic), numbers, strict=True)}
    return (
        names | {"reason": "The envoys agreed to meet again.", "development": "", "as_of": TODAY.isoformat()} | fields
    )


def test_the_reestimate_form_has_a_number_per_outcome_a_reason_a_development_and_a_date(editor_client, arms, trade):
    older = _development(arms, title="An older meeting", happened_on=datetime.date(2025, 1, 5))
    newer = _development(arms, title="A newer meeting", happened_on=datetime.date(2025, 2, 5))
    _development(trade, title="About trade only")

    response = editor_client.get(_reestimate_url(arms))

    assert response.status_code == 200
    page = response.text
    for scenario in _scenarios(arms):
        name = f"scenario-{scenario.pk}"
        assert f">{escape(scenario.outcome.name)}: {escape(scenario.title)}:</label>" in page
        assert f'name="{name}" value="25"' in page
        assert "In percent; now 25 %." in page
    assert "Total: 100 %" in page
    assert '<textarea name="reason"' in page
    assert page.index(str(newer)) < page.index(str(older))
    assert "About trade only" not in page
    assert f'name="as_of" value="{TODAY.isoformat()}"' in page
    assert f'max="{TODAY.isoformat()}"' in page
    assert "/static/js/admin-estimates.js" in page
    assert "<script>" not in page  # no inline script


@pytest.mark.parametrize(
    ("values", "phrase"),
    [
        ([40, 30, 20, 10], "Total: 100 %"),
        ([40, 30, 20, 5], "Total: 95 % — 5 to go"),
        ([40, 30, 20, 15], "Total: 105 % — 5 too many"),
        ([40, None, 20, 10], "Total: 70 % — 30 to go (1 outcome without a number)"),
        ([None, None], "Total: 0 % — 100 to go (2 outcomes without a number)"),
    ],
)
def test_the_running_total_says_how_far_from_100(values, phrase):
    """The words static/js/admin-estimates.js says too (tests/browser/test_reestimate.py)."""
    assert running_total(values) == phrase


def test_estimates_that_do_not_add_up_to_100_are_refused_by_the_total(editor_client, arms):
    form = _reestimate_form(arms, [30, 30, 30, 5], reason="Words the editor wrote.")

    response = editor_client.post(_reestimate_url(arms), form)

    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": ["The estimates must add up to 100 %: 95 % — 5 to go."]}
    page = response.text
    total = page.index('id="estimates-total"')
    assert page.rindex("The estimates must add up to 100 %: 95 % — 5 to go.", 0, total) > page.index("New estimates")
    assert "Total: 95 % — 5 to go</div>" in page
    for scenario, number in zip(_scenarios(arms), [30, 30, 30, 5], strict=True):
        assert f'name="scenario-{scenario.pk}" value="{number}"' in page
    assert "Words the editor wrote.</textarea>" in page
    assert not Revision.objects.exists()
    assert {scenario.likelihood for scenario in _scenarios(arms)} == {25}


def test_a_reestimate_without_a_reason_is_refused_by_the_reason(editor_client, arms):
    form = _reestimate_form(arms, [40, 30, 20, 10], reason="   ")

    response = editor_client.post(_reestimate_url(arms), form)

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Say why the estimates change."]}
    assert 'id="id_reason_error"' in response.text
    assert f'name="scenario-{_scenarios(arms)[0].pk}" value="40"' in response.text
    assert not Revision.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"scenario-FIRST": "101"}, "scenario-FIRST", "Ensure this value is less than or equal to 100."),
        ({"scenario-FIRST": "ten"}, "scenario-FIRST", "Enter a whole number."),
        ({"scenario-FIRST": ""}, "scenario-FIRST", "This field is required."),
        ({"as_of": "TOMORROW"}, "as_of", "The new estimates cannot hold from a day still to come."),
        ({"as_of": "not a date"}, "as_of", "Enter a valid date."),
    ],
)
def test_bad_numbers_and_dates_are_refused_by_their_fields(editor_client, arms, fields, field, message):
    first = f"scenario-{_scenarios(arms)[0].pk}"
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    fields = {
        name.replace("scenario-FIRST", first): value.replace("TOMORROW", tomorrow) for name, value in fields.items()
    }
    form = _reestimate_form(arms, [40, 30, 20, 10]) | fields

    response = editor_client.post(_reestimate_url(arms), form)

    assert response.status_code == 200
    assert response.context["form"].errors == {field.replace("scenario-FIRST", first): [message]}
    assert "The envoys agreed to meet again.</textarea>" in response.text
    assert not Revision.objects.exists()


def test_a_reestimate_cannot_hold_from_before_the_development_that_prompted_it(editor_client, arms):
    development = _development(arms, happened_on=datetime.date(2025, 2, 10))
    form = _reestimate_form(arms, [40, 30, 20, 10], development=development.pk, as_of="2025-02-01")

    response = editor_client.post(_reestimate_url(arms), form)

    assert response.context["form"].errors == {
        "as_of": ["The development came on Feb. 10, 2025: estimates it prompted cannot hold from before it."]
    }
    assert f'<option value="{development.pk}" selected>' in response.text


def test_a_reestimate_cannot_name_a_development_of_another_topic(editor_client, arms, trade):
    development = _development(trade)
    form = _reestimate_form(arms, [40, 30, 20, 10], development=development.pk)
    response = editor_client.post(_reestimate_url(arms), form)
    assert list(response.context["form"].errors) == ["development"]


def test_a_reestimate_is_recorded_with_who_when_what_and_why_and_readers_see_it(client, editor, arms):
    development = _development(arms, happened_on=datetime.date(2025, 2, 10))
    topic_page = reverse("topic", kwargs={"topic": arms.slug})
    before = client.get(topic_page)  # an anonymous reader; now in the cache
    assert before.status_code == 200 and "25&thinsp;%" in before.text and "40&thinsp;%" not in before.text
    scenarios = _scenarios(arms)
    reader = Client()

    client.force_login(editor)
    form = _reestimate_form(arms, [40, 30, 20, 10], development=development.pk, as_of="2025-02-12")
    response = client.post(_reestimate_url(arms), form)

    assert response.status_code == 302
    assert response.url == reverse("admin:scenarios_topic_change", args=[arms.pk])
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["The estimates of “Arms control” changed, as of Feb. 12, 2025."]
    revision = Revision.objects.get()
    assert (revision.topic, revision.editor, revision.development) == (arms, editor, development)
    assert (revision.as_of, revision.reason) == (datetime.date(2025, 2, 12), "The envoys agreed to meet again.")
    assert revision.created_at > timezone.now() - datetime.timedelta(minutes=1)
    changes = {e.scenario_id: (e.previous, e.likelihood) for e in revision.estimates.all()}
    assert changes == {s.pk: (25, new) for s, new in zip(scenarios, [40, 30, 20, 10], strict=True)}
    for scenario, number in zip(_scenarios(arms), [40, 30, 20, 10], strict=True):
        assert scenario.likelihood == number
        assert scenario.estimated_at is not None and scenario.estimated_at.date() == datetime.date(2025, 2, 12)
    after = reader.get(topic_page)
    assert "40&thinsp;%" in after.text and "10&thinsp;%" in after.text


def test_a_backdated_reestimate_is_kept_and_the_editor_told_a_later_one_still_holds(editor_client, arms):
    editor_client.post(_reestimate_url(arms), _reestimate_form(arms, [40, 30, 20, 10], as_of="2025-03-01"))

    response = editor_client.post(_reestimate_url(arms), _reestimate_form(arms, [10, 20, 30, 40], as_of="2025-02-01"))

    assert response.status_code == 302
    assert "A later revision still sets the numbers readers see." in [str(m) for m in response.wsgi_request._messages]
    assert Revision.objects.count() == 2
    assert [scenario.likelihood for scenario in _scenarios(arms)] == [40, 30, 20, 10]


def test_a_development_offers_to_reestimate_each_of_its_topics_and_the_form_names_it(editor_client, arms, trade):
    development = _development(arms, trade)
    page = editor_client.get(f"{DEVELOPMENTS}{development.pk}/change/").text
    link = f"{_reestimate_url(arms)}?development={development.pk}"
    assert f'href="{link}">Re-estimate “Arms control”</a>' in page
    assert f"{_reestimate_url(trade)}?development={development.pk}" in page
    assert f'<option value="{development.pk}" selected>' in editor_client.get(link).text
    assert "selected>" not in editor_client.get(f"{_reestimate_url(arms)}?development=nonsense").text


def test_a_topic_without_scenarios_cannot_be_reestimated(editor_client):
    topic = make_topic(title="Empty")
    response = editor_client.post(_reestimate_url(topic), {"reason": "Why not.", "as_of": TODAY.isoformat()})
    assert response.context["form"].errors == {
        "__all__": ["This topic has no scenarios to estimate yet: add them first."]
    }
    assert not Revision.objects.exists()


def test_the_topic_and_scenario_pages_lead_to_the_reestimate_form(editor_client, arms):
    url = _reestimate_url(arms)
    topic_page = editor_client.get(f"/admin/scenarios/topic/{arms.pk}/change/").text
    assert f'<li><a href="{url}">Re-estimate</a></li>' in topic_page
    scenario = _scenarios(arms)[0]
    scenario_page = editor_client.get(f"/admin/scenarios/scenario/{scenario.pk}/change/").text
    assert f'25 % <a class="button reestimate-link" href="{url}">Re-estimate the topic</a>' in scenario_page


def test_an_unknown_topic_is_not_found(editor_client):
    assert editor_client.get(reverse("admin:scenarios_topic_reestimate", args=[999999])).status_code == 404


# Who may


def test_a_signed_in_reader_is_sent_to_the_admin_login(client, contributor, arms):
    client.force_login(contributor)
    for response in (client.get(_reestimate_url(arms)), client.post(_reestimate_url(arms), {})):
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")


@pytest.mark.parametrize("lacking", ["add_revision", "change_scenario"])
def test_staff_without_both_permissions_are_refused(client, arms, lacking):
    codenames = {"add_revision", "change_scenario", "view_topic", "change_topic", "view_scenario"} - {lacking}
    user = User.objects.create_user("half-editor", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)

    assert client.get(_reestimate_url(arms)).status_code == 403
    assert client.post(_reestimate_url(arms), _reestimate_form(arms, [40, 30, 20, 10])).status_code == 403
    assert not Revision.objects.exists()
    topic_page = client.get(f"/admin/scenarios/topic/{arms.pk}/change/").text
    assert "Re-estimate" not in topic_page


def test_staff_who_may_not_reestimate_are_not_offered_it_on_a_development(client, arms):
    development = _development(arms)
    user = User.objects.create_user("recorder", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_development", "change_development"]))
    client.force_login(user)
    page = client.get(f"{DEVELOPMENTS}{development.pk}/change/")
    assert page.status_code == 200
    assert "Re-estimate" not in page.text


def test_the_editors_group_may_record_developments_and_revisions_but_not_rewrite_them(editor):
    granted = {
        codename
        for codename in Permission.objects.filter(content_type__app_label="timeline").values_list("codename", flat=True)
        if editor.has_perm(f"timeline.{codename}")
    }
    edited = {f"{action}_{model}" for model in ("development", "developmentsource", "signpostmark") for action in
              ("add", "change", "delete", "view")}  # fmt: skip
    assert granted == edited | {"add_revision", "view_revision", "add_estimate", "view_estimate"}
    assert editor.has_perms([f"scenarios.{action}_signpost" for action in ("add", "change", "delete", "view")])


# The record of revisions


def test_revisions_are_listed_with_each_estimate_from_and_to(
    editor_client, editor, arms, django_assert_max_num_queries
):
    development = _development(arms, title="The Geneva meeting")
    numbers = dict(zip([s.pk for s in _scenarios(arms)], [40, 30, 20, 10], strict=True))
    Revision.record(
        arms, numbers, reason="They met.", as_of=datetime.date(2025, 2, 12), editor=editor, development=development
    )
    for n in range(8):
        Revision.record(arms, numbers, reason=f"Again {n}.", as_of=datetime.date(2025, 2, 13 + n), editor=editor)

    with django_assert_max_num_queries(11):
        page = editor_client.get(REVISIONS).text

    assert '<span class="estimate-outcome">Breakthrough</span> <span class="estimate-numbers">25 % → 40 %' in page
    assert '<span class="estimate-outcome">Worsened relations</span> <span class="estimate-numbers">10 % → 10 %' in page
    assert "They met." in page and "The Geneva meeting" in page and editor.username in page
    assert "Feb. 12, 2025" in page
    assert f"{REVISIONS}add/" not in page
    assert 'name="action"' not in page  # nothing to delete in bulk


def test_a_revision_cannot_be_added_changed_or_deleted_through_the_admin(editor_client, editor, arms):
    numbers = dict(zip([s.pk for s in _scenarios(arms)], [40, 30, 20, 10], strict=True))
    revision = Revision.record(arms, numbers, reason="They met.", as_of=TODAY, editor=editor)

    view = editor_client.get(f"{REVISIONS}{revision.pk}/change/")
    assert view.status_code == 200
    assert "25 % → 40 %" in view.text and 'name="_save"' not in view.text
    assert editor_client.post(f"{REVISIONS}{revision.pk}/change/", {"reason": "Rewritten."}).status_code == 403
    assert editor_client.get(f"{REVISIONS}add/").status_code == 403
    assert editor_client.post(f"{REVISIONS}{revision.pk}/delete/", {"post": "yes"}).status_code == 403
    revision.refresh_from_db()
    assert revision.reason == "They met."
