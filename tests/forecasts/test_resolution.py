"""Resolving a topic: the scores it stores (worked out by hand), what it refuses, annulling it, the
admin that does both, and the pages that show it, cached or not."""

from __future__ import annotations

import datetime
import math
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diplomacy.forecasts.models import (
    CommunityVersion,
    Forecast,
    ForecastVersion,
    Resolution,
    Score,
)
from diplomacy.scenarios.models import Scenario, Topic
from diplomacy.timeline.models import Revision
from tests.factories import make_scenario, make_topic
from tests.timeline.factories import make_revision

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
HAPPENED_ON = datetime.date(2025, 3, 11)  # estimates count up to 11 March 2025, 00:00 UTC
ADMIN = "/admin/forecasts/resolution/"


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime.datetime:
    """A moment in March 2025, UTC."""
    return datetime.datetime(2025, 3, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def talks(outcomes) -> Topic:
    """A published topic with three published outcomes: deal, drift and race, in that order."""
    topic = make_topic(title="Arms talks", slug="arms-talks")
    for outcome, slug in zip(outcomes, ["deal", "drift", "race"], strict=False):
        make_scenario(topic=topic, outcome=outcome, slug=slug, title=slug.title(), likelihood=None)
    return topic


def scenarios(topic: Topic) -> tuple[Scenario, ...]:
    return tuple(topic.scenarios.order_by("outcome__order"))


def numbers(topic: Topic, *values: int) -> dict[int, int]:
    """The topic's scenarios' ids, in outcome order, with these numbers (fewer numbers: fewer scenarios)."""
    return {scenario.pk: value for scenario, value in zip(scenarios(topic), values, strict=False)}


def reader_version(reader: User, topic: Topic, made_at: datetime.datetime, values: dict[int, int]) -> ForecastVersion:
    """Save an estimate the way readers do, then date its version `made_at`."""
    Forecast.record(reader, topic, values)
    version = ForecastVersion.objects.filter(forecast__reader=reader, forecast__topic=topic).latest("pk")
    ForecastVersion.objects.filter(pk=version.pk).update(made_at=made_at)
    return version


def community_version(topic: Topic, made_at: datetime.datetime, readers: int, *values: float) -> CommunityVersion:
    return CommunityVersion.objects.create(
        topic=topic,
        numbers={str(pk): value for pk, value in numbers(topic, *values).items()},
        readers=readers,
        made_at=made_at,
    )


def resolve(topic: Topic, happened: str = "drift", on: datetime.date = HAPPENED_ON, **details) -> Resolution:
    scenario = topic.scenarios.get(slug=happened)
    return Resolution.resolve(topic, scenario, on, **{"source_title": "The communiqué"} | details)


def score_of(resolution: Resolution, kind: str, reader: User | None = None) -> Score:
    return Score.objects.get(resolution=resolution, kind=kind, reader=reader)


# The scores, worked out by hand. "drift" happens in every case but one.


def test_the_editors_are_scored_on_each_revision_for_as_long_as_it_stood(talks):
    make_revision(talks, [50, 30, 20], as_of=datetime.date(2025, 3, 1))
    make_revision(talks, [20, 60, 20], as_of=datetime.date(2025, 3, 6))
    make_revision(talks, [0, 100, 0], as_of=HAPPENED_ON)  # on the day: too late to count
    make_revision(talks, [0, 100, 0], as_of=datetime.date(2025, 3, 20))  # after: too late as well

    resolution = resolve(talks)

    # 1–6 March (5 days): Brier 0.5² + (0.3 − 1)² + 0.2² = 0.25 + 0.49 + 0.04 = 0.78; log ln 0.3.
    # 6–11 March (5 days): Brier 0.2² + (0.6 − 1)² + 0.2² = 0.04 + 0.16 + 0.04 = 0.24; log ln 0.6.
    # Equal spans: Brier (0.78 + 0.24) / 2 = 0.51; log (ln 0.3 + ln 0.6) / 2.
    editors = score_of(resolution, Score.Kind.EDITORS)
    assert editors.brier == pytest.approx(0.51)
    assert editors.log == pytest.approx((math.log(0.3) + math.log(0.6)) / 2)
    # What the calibration chart would plot for them: each probability averaged the same way.
    deal, drift, race = scenarios(talks)
    assert editors.probabilities == pytest.approx({str(deal.pk): 0.35, str(drift.pk): 0.45, str(race.pk): 0.2})


def test_the_seeds_first_revision_counts_for_the_editors(outcomes):
    topic = make_topic(slug="seeded")
    for outcome, (slug, likelihood) in zip(outcomes, [("deal", 50), ("drift", 30), ("race", 20)], strict=False):
        make_scenario(topic=topic, outcome=outcome, slug=slug, likelihood=likelihood)
    assert Revision.snapshot(topic, as_of=datetime.date(2025, 3, 1), reason="Seeded.")

    editors = score_of(resolve(topic), Score.Kind.EDITORS)

    # 50 / 30 / 20 throughout, "drift" happened: Brier 0.25 + 0.49 + 0.04 = 0.78; log ln 0.3.
    assert editors.brier == pytest.approx(0.78)
    assert editors.log == pytest.approx(math.log(0.3))


def test_a_reader_is_scored_on_the_versions_made_before_the_day_it_happened(talks, contributor):
    reader_version(contributor, talks, at(2), numbers(talks, 60, 20, 20))
    reader_version(contributor, talks, at(8), numbers(talks, 10, 80, 10))
    reader_version(contributor, talks, at(11), numbers(talks, 0, 0, 100))  # the very start of the day: too late
    reader_version(contributor, talks, at(11, 15), numbers(talks, 100, 0, 0))  # later that day: too late

    resolution = resolve(talks)

    # 2–8 March (6 days): Brier 0.6² + (0.2 − 1)² + 0.2² = 0.36 + 0.64 + 0.04 = 1.04; log ln 0.2.
    # 8–11 March (3 days): Brier 0.1² + (0.8 − 1)² + 0.1² = 0.01 + 0.04 + 0.01 = 0.06; log ln 0.8.
    # Weighted by days: Brier (6 × 1.04 + 3 × 0.06) / 9 = 6.42 / 9 = 0.71333…; log (6 ln 0.2 + 3 ln 0.8) / 9.
    mine = score_of(resolution, Score.Kind.READER, contributor)
    assert mine.brier == pytest.approx(6.42 / 9)
    assert mine.log == pytest.approx((6 * math.log(0.2) + 3 * math.log(0.8)) / 9)


def test_a_version_a_second_before_the_day_counts_for_that_second(talks, contributor):
    reader_version(contributor, talks, at(1), numbers(talks, 0, 100, 0))
    reader_version(contributor, talks, at(10, 23, 59, 59), numbers(talks, 100, 0, 0))

    resolution = resolve(talks)

    # 10 days less a second of a perfect estimate (Brier 0), then one second of the worst (Brier 2).
    seconds = 10 * 24 * 3600
    mine = score_of(resolution, Score.Kind.READER, contributor)
    assert mine.brier == pytest.approx(2 / seconds)
    assert mine.log == pytest.approx(math.log(0.001) / seconds)  # ln of the floor, 0.1 %, for one second


def test_a_reader_whose_only_estimate_came_on_the_day_is_not_scored(talks, contributor, other_contributor):
    reader_version(contributor, talks, at(5), numbers(talks, 30, 40, 30))
    reader_version(other_contributor, talks, at(11), numbers(talks, 0, 100, 0))

    resolution = resolve(talks)

    assert list(resolution.scores.filter(kind=Score.Kind.READER).values_list("reader", flat=True)) == [contributor.pk]
    assert not Score.objects.filter(reader=other_contributor).exists()


def test_the_community_is_scored_only_while_enough_readers_had_estimated(talks):
    community_version(talks, at(1), 4, 100, 0, 0)  # four readers: not shown, so not scored
    community_version(talks, at(3), 5, 40, 40, 20)
    community_version(talks, at(9), 6, 20, 70, 10)
    community_version(talks, at(11), 7, 0, 100, 0)  # on the day: too late

    resolution = resolve(talks)

    # 3–9 March (6 days): Brier 0.4² + (0.4 − 1)² + 0.2² = 0.16 + 0.36 + 0.04 = 0.56; log ln 0.4.
    # 9–11 March (2 days): Brier 0.2² + (0.7 − 1)² + 0.1² = 0.04 + 0.09 + 0.01 = 0.14; log ln 0.7.
    # Brier (6 × 0.56 + 2 × 0.14) / 8 = 3.64 / 8 = 0.455; log (6 ln 0.4 + 2 ln 0.7) / 8.
    # (Were the four readers' version counted, 1–3 March would add 2 days of Brier 2.)
    community = score_of(resolution, Score.Kind.COMMUNITY)
    assert community.brier == pytest.approx(0.455)
    assert community.log == pytest.approx((6 * math.log(0.4) + 2 * math.log(0.7)) / 8)
    # Probabilities averaged the same way: deal (6 × 0.4 + 2 × 0.2) / 8 = 0.35, drift 3.8 / 8, race 1.4 / 8.
    deal, drift, race = scenarios(talks)
    assert community.probabilities == pytest.approx({str(deal.pk): 0.35, str(drift.pk): 0.475, str(race.pk): 0.175})


def test_a_community_that_never_had_enough_readers_is_not_scored(talks):
    community_version(talks, at(1), 4, 20, 60, 20)

    resolution = resolve(talks)

    assert not resolution.scores.filter(kind=Score.Kind.COMMUNITY).exists()


def test_one_score_each_for_the_editors_the_community_and_every_reader(talks, contributor, other_contributor):
    make_revision(talks, [40, 40, 20], as_of=datetime.date(2025, 3, 1))
    community_version(talks, at(2), 5, 30, 50, 20)
    reader_version(contributor, talks, at(3), numbers(talks, 30, 40, 30))
    reader_version(contributor, talks, at(4), numbers(talks, 20, 50, 30))
    reader_version(other_contributor, talks, at(5), numbers(talks, 10, 10, 80))

    resolution = resolve(talks)

    kinds = sorted((score.kind, score.reader_id or 0) for score in resolution.scores.all())
    assert kinds == [
        ("community", 0),
        ("editors", 0),
        ("reader", contributor.pk),
        ("reader", other_contributor.pk),
    ]
    # Scoring other topics is no business of this one.
    other = make_topic()
    assert not Score.objects.filter(resolution__topic=other).exists()


def test_an_outcome_a_version_gives_no_number_counts_as_zero(talks, contributor):
    deal, _drift, race = scenarios(talks)
    reader_version(contributor, talks, at(1), {deal.pk: 70, race.pk: 30})  # nothing for "drift"

    resolution = resolve(talks, happened="drift")

    # Brier 0.7² + (0 − 1)² + 0.3² = 0.49 + 1 + 0.09 = 1.58 (without "drift" it would be 0.58);
    # log: ln of the floor, 0.1 %.
    mine = score_of(resolution, Score.Kind.READER, contributor)
    assert mine.brier == pytest.approx(1.58)
    assert mine.log == pytest.approx(math.log(0.001))
    assert mine.probabilities[str(talks.scenarios.get(slug="drift").pk)] == 0


def test_of_two_versions_made_at_the_same_moment_the_later_saved_counts(talks, contributor):
    reader_version(contributor, talks, at(1), numbers(talks, 100, 0, 0))
    reader_version(contributor, talks, at(1), numbers(talks, 0, 100, 0))  # saved second: the reader's latest word

    resolution = resolve(talks)

    assert score_of(resolution, Score.Kind.READER, contributor).brier == pytest.approx(0)


# What a resolution refuses


def test_a_resolution_refuses_an_outcome_of_another_topic(talks, outcomes):
    elsewhere = make_scenario(outcome=outcomes[0])

    with pytest.raises(ValidationError) as refused:
        Resolution.resolve(talks, elsewhere, HAPPENED_ON, source_title="A report")

    assert "scenario" in refused.value.message_dict
    assert not Resolution.objects.exists()


def test_a_resolution_refuses_a_day_still_to_come_but_takes_today(talks):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        resolve(talks, on=tomorrow)

    assert "happened_on" in refused.value.message_dict
    assert not Resolution.objects.exists()
    assert resolve(talks, on=timezone.localdate()).happened_on == timezone.localdate()


def test_a_topic_resolves_once_until_that_resolution_is_annulled(talks, editor, contributor):
    reader_version(contributor, talks, at(1), numbers(talks, 20, 60, 20))
    first = resolve(talks, happened="drift")

    with pytest.raises(ValidationError, match="already resolved"):
        resolve(talks, happened="deal")
    assert Resolution.objects.count() == 1

    first.annul(editor, "The communiqué was a forgery.")
    second = resolve(talks, happened="deal")

    assert list(Resolution.objects.standing()) == [second]
    # The new resolution scores the same versions against what happened this time: deal.
    # Brier (0.2 − 1)² + 0.6² + 0.2² = 0.64 + 0.36 + 0.04 = 1.04.
    assert score_of(second, Score.Kind.READER, contributor).brier == pytest.approx(1.04)


# Annulling


def make_other_topic(topic: Topic) -> Topic:
    """Another topic with one outcome, an editors' revision, and so one score when resolved."""
    other = make_topic(slug="trade")
    make_scenario(topic=other, outcome=topic.scenarios.first().outcome, slug="calm", likelihood=None)
    make_revision(other, [100], as_of=datetime.date(2025, 3, 1))
    return other


def test_annulling_keeps_the_resolution_marked_and_removes_its_scores(talks, editor, contributor):
    make_revision(talks, [40, 40, 20], as_of=datetime.date(2025, 3, 1))
    reader_version(contributor, talks, at(1), numbers(talks, 20, 60, 20))
    resolution = resolve(talks)
    other = resolve(make_other_topic(talks), happened="calm")
    assert resolution.scores.count() == 2

    resolution.annul(editor, "Wrong outcome.")

    kept = Resolution.objects.get(pk=resolution.pk)
    assert kept.annulled_at is not None and kept.annulled_at <= timezone.now()
    assert (kept.annulled_by, kept.annulment_reason) == (editor, "Wrong outcome.")
    assert not Score.objects.filter(resolution=resolution).exists()
    assert list(Resolution.objects.standing()) == [other]
    assert other.scores.count() == 1  # another topic's scores stay


def test_after_annulling_the_topic_page_offers_the_estimate_form_again(client, talks, editor, contributor):
    resolution = resolve(talks)
    client.force_login(contributor)
    assert 'class="estimate-form"' not in client.get(talks.get_absolute_url()).content.decode()

    resolution.annul(editor, "Wrong outcome.")

    html = client.get(talks.get_absolute_url()).content.decode()
    assert 'class="estimate-form"' in html
    assert "resolution-banner" not in html


def estimate_form(**values: str) -> dict[str, str]:
    return {f"outcome-{slug}": value for slug, value in values.items()} | {"reason": "A late thought."}


def test_a_resolved_topic_refuses_new_estimates(client, talks, contributor):
    reader_version(contributor, talks, at(1), numbers(talks, 20, 60, 20))
    resolve(talks)
    client.force_login(contributor)
    versions = ForecastVersion.objects.count()

    response = client.post(
        reverse("topic_estimate", args=[talks.slug]), estimate_form(deal="17", drift="41", race="42")
    )

    assert response.status_code == 422
    assert "This topic is resolved" in response.content.decode()
    assert ForecastVersion.objects.count() == versions
    assert Forecast.objects.get(reader=contributor).by_scenario == numbers(talks, 20, 60, 20)


def test_scaling_on_a_resolved_topic_saves_nothing_either(client, talks, contributor):
    resolve(talks)
    client.force_login(contributor)

    response = client.post(
        reverse("topic_estimate", args=[talks.slug]), estimate_form(deal="1", drift="1", race="2") | {"scale": "1"}
    )

    assert "This topic is resolved" in response.content.decode()
    assert not ForecastVersion.objects.exists()


def test_a_refused_estimate_on_a_resolved_topic_keeps_the_numbers_typed(client, talks, contributor):
    resolve(talks)
    client.force_login(contributor)

    response = client.post(
        reverse("topic_estimate", args=[talks.slug]), estimate_form(deal="17", drift="41", race="42")
    )

    html = response.content.decode()
    assert "This topic is resolved: it takes no new estimates." in html
    assert re.search(r'name="outcome-deal"[^>]*value="17"', html)
    assert re.search(r'name="outcome-race"[^>]*value="42"', html)


# The admin


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def admin_form(topic: Topic, happened: str = "drift", **fields: str) -> dict[str, str]:
    return {
        "topic": str(topic.pk),
        "scenario": str(topic.scenarios.get(slug=happened).pk),
        "happened_on": HAPPENED_ON.isoformat(),
        "source_title": "The joint communiqué",
        "source_url": "https://news.example.org/communique",
        "_save": "Save",
    } | fields


def test_an_editor_resolves_a_topic_in_the_admin_and_it_is_scored(editor_client, editor, talks, contributor):
    make_revision(talks, [40, 40, 20], as_of=datetime.date(2025, 3, 1))
    reader_version(contributor, talks, at(1), numbers(talks, 20, 60, 20))
    assert editor_client.get(ADMIN + "add/").status_code == 200

    response = editor_client.post(ADMIN + "add/", admin_form(talks), follow=True)

    resolution = Resolution.objects.get()
    assert response.redirect_chain[0] == (ADMIN, 302)
    assert (resolution.topic, resolution.scenario.slug, resolution.editor) == (talks, "drift", editor)
    assert (resolution.source_title, resolution.source_url) == (
        "The joint communiqué",
        "https://news.example.org/communique",
    )
    assert sorted(resolution.scores.values_list("kind", flat=True)) == ["editors", "reader"]
    assert "2 estimates scored" in response.content.decode()
    # Brier 0.2² + (0.6 − 1)² + 0.2² = 0.24, the same as Resolution.resolve would store.
    assert score_of(resolution, Score.Kind.READER, contributor).brier == pytest.approx(0.24)


def test_the_admin_add_page_starts_with_the_topic_it_was_opened_for(editor_client, talks):
    html = editor_client.get(ADMIN + f"add/?topic={talks.pk}").content.decode()
    assert re.search(rf'<option value="{talks.pk}" selected>', html)


def test_the_admin_refuses_an_outcome_of_another_topic(editor_client, talks, outcomes):
    elsewhere = make_scenario(outcome=outcomes[0])

    response = editor_client.post(ADMIN + "add/", admin_form(talks) | {"scenario": str(elsewhere.pk)})

    assert response.status_code == 200
    assert "Choose one of this topic’s outcomes." in response.content.decode()
    assert not Resolution.objects.exists()


def test_the_admin_refuses_a_future_date(editor_client, talks):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = editor_client.post(ADMIN + "add/", admin_form(talks, happened_on=tomorrow.isoformat()))

    assert response.status_code == 200
    assert "not a future date" in response.content.decode()
    assert not Resolution.objects.exists()


def test_the_admin_refuses_a_second_resolution_of_a_resolved_topic(editor_client, talks):
    resolve(talks)

    response = editor_client.post(ADMIN + "add/", admin_form(talks, happened="deal"))

    assert response.status_code == 200
    assert "already resolved" in response.content.decode()
    assert Resolution.objects.count() == 1


def test_an_editor_sees_a_resolution_read_only_with_a_link_to_annul_it(editor_client, talks, contributor):
    reader_version(contributor, talks, at(1), numbers(talks, 20, 60, 20))
    resolution = resolve(talks)

    html = editor_client.get(ADMIN + f"{resolution.pk}/change/").content.decode()

    assert f'href="{ADMIN}{resolution.pk}/annul/"' in html
    assert 'name="source_title"' not in html and 'name="happened_on"' not in html
    assert "1 scores" in html
    assert f"{ADMIN}{resolution.pk}/delete/" not in html
    assert 'name="_save"' not in html


def test_a_resolution_cannot_be_edited_in_the_admin(editor_client, talks):
    resolution = resolve(talks)

    editor_client.post(ADMIN + f"{resolution.pk}/change/", admin_form(talks, happened="deal"))

    assert Resolution.objects.get().scenario.slug == "drift"


def test_an_annulled_resolution_says_so_on_its_change_page(editor_client, editor, talks):
    resolution = resolve(talks)
    resolution.annul(editor, "Wrong.")

    html = editor_client.get(ADMIN + f"{resolution.pk}/change/").content.decode()

    assert "Annulled." in html and f"{ADMIN}{resolution.pk}/annul/" not in html


def test_a_resolution_cannot_be_deleted_in_the_admin(editor_client, talks):
    resolution = resolve(talks)

    assert editor_client.get(ADMIN + f"{resolution.pk}/delete/").status_code == 403
    listing = editor_client.get(ADMIN).content.decode()
    assert f"{ADMIN}{resolution.pk}/change/" in listing  # the list works, and shows it
    assert 'value="delete_selected"' not in listing
    editor_client.post(ADMIN, {"action": "delete_selected", "_selected_action": [resolution.pk], "post": "yes"})

    kept = Resolution.objects.get()
    assert (kept.scenario.slug, kept.annulled_at) == ("drift", None)


def test_an_editor_annuls_a_resolution_with_a_reason(editor_client, editor, talks, contributor):
    reader_version(contributor, talks, at(1), numbers(talks, 20, 60, 20))
    resolution = resolve(talks)
    url = ADMIN + f"{resolution.pk}/annul/"
    page = editor_client.get(url)
    assert page.status_code == 200
    assert "removes its 1 scores" in page.content.decode()

    response = editor_client.post(url, {"reason": "The source was a forgery."})

    assert response.status_code == 302 and response["Location"] == ADMIN + f"{resolution.pk}/change/"
    resolution.refresh_from_db()
    assert (resolution.annulled_by, resolution.annulment_reason) == (editor, "The source was a forgery.")
    assert resolution.annulled_at is not None
    assert not Score.objects.exists()
    assert editor_client.get(url).status_code == 404  # nothing left to annul


def test_annulling_without_a_reason_asks_for_one_and_annuls_nothing(editor_client, talks, contributor):
    reader_version(contributor, talks, at(1), numbers(talks, 20, 60, 20))
    resolution = resolve(talks)

    response = editor_client.post(ADMIN + f"{resolution.pk}/annul/", {"reason": "  "})

    assert response.status_code == 200
    assert "Please say why it was wrong." in response.content.decode()
    resolution.refresh_from_db()
    assert resolution.annulled_at is None
    assert resolution.scores.count() == 1


def test_a_reader_cannot_reach_the_resolutions_admin(client, contributor, talks):
    resolution = resolve(talks)
    client.force_login(contributor)

    for url in (ADMIN, ADMIN + "add/", ADMIN + f"{resolution.pk}/annul/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
    response = client.post(ADMIN + f"{resolution.pk}/annul/", {"reason": "Because."})

    assert response.status_code == 302
    assert Resolution.objects.standing().count() == 1


def test_staff_without_the_permission_cannot_annul(client, talks):
    resolution = resolve(talks)
    viewer = User.objects.create_user("viewer", "viewer@example.org", "viewer-password", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_resolution"))
    client.force_login(viewer)

    assert client.get(ADMIN).status_code == 200
    assert client.get(ADMIN + f"{resolution.pk}/annul/").status_code == 403
    assert client.post(ADMIN + f"{resolution.pk}/annul/", {"reason": "Because."}).status_code == 403
    assert client.get(ADMIN + "add/").status_code == 403
    assert Resolution.objects.standing().count() == 1


def test_scores_are_read_only_in_the_admin(editor_client, talks, contributor):
    reader_version(contributor, talks, at(1), numbers(talks, 20, 60, 20))
    score = resolve(talks).scores.get()

    assert editor_client.get("/admin/forecasts/score/").status_code == 200
    html = editor_client.get(f"/admin/forecasts/score/{score.pk}/change/").content.decode()
    assert 'name="brier"' not in html and 'name="_save"' not in html
    assert editor_client.get("/admin/forecasts/score/add/").status_code == 403
    assert editor_client.get(f"/admin/forecasts/score/{score.pk}/delete/").status_code == 403


# The pages that show it


def test_the_topic_page_shows_the_resolution_to_everyone(client, talks, contributor):
    resolve(talks, source_url="https://news.example.org/communique")

    anonymous = client.get(talks.get_absolute_url()).content.decode()
    client.force_login(contributor)
    signed_in = client.get(talks.get_absolute_url()).content.decode()

    for html in (anonymous, signed_in):
        banner = re.search(r'<p class="resolution-banner">(.*?)</p>', html, re.DOTALL)
        assert banner, "no resolution banner"
        assert "Drift" in banner.group(1) and "11 March 2025" in banner.group(1)
        assert 'href="https://news.example.org/communique"' in banner.group(1)
        assert f'href="{reverse("topic_scores", args=[talks.slug])}"' in banner.group(1)
        assert 'class="estimate-form"' not in html


def test_the_topic_page_shows_a_reader_their_score(client, talks, contributor, other_contributor):
    reader_version(contributor, talks, at(1), numbers(talks, 20, 60, 20))
    reader_version(other_contributor, talks, at(11), numbers(talks, 20, 60, 20))
    resolve(talks)

    client.force_login(contributor)
    mine = client.get(talks.get_absolute_url()).content.decode()
    client.force_login(other_contributor)
    theirs = client.get(talks.get_absolute_url()).content.decode()

    # Brier 0.2² + (0.6 − 1)² + 0.2² = 0.24; log ln 0.6 = −0.511.
    assert "Your estimate scored a Brier score of <strong>0.240</strong>" in mine
    assert "a log score of <strong>\u22120.511</strong>" in mine
    assert "Your estimate was made after it happened, so it is not scored." in theirs
    assert "Brier score of <strong>" not in theirs


def test_the_scenario_pages_say_the_topic_resolved(client, talks):
    resolve(talks, happened="drift")

    happened = client.get(talks.scenarios.get(slug="drift").get_absolute_url()).content.decode()
    other = client.get(talks.scenarios.get(slug="race").get_absolute_url()).content.decode()

    assert "<strong>Resolved:</strong> this outcome happened" in happened
    assert "<strong>Resolved:</strong> Limited agreement happened" in other


def page(client: Client, url: str) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Cache", "")


def test_cached_pages_show_a_resolution_at_once_and_drop_it_at_once_when_annulled(client, talks, editor):
    """Anonymous readers get pages from the cache: a resolution and its annulment must reach them."""
    topic_url = talks.get_absolute_url()
    scenario_url = talks.scenarios.get(slug="race").get_absolute_url()
    for url in (topic_url, scenario_url):
        html, cache = page(client, url)
        assert "Resolved:" not in html and cache == "miss"
        assert page(client, url)[1] == "hit"

    resolution = resolve(talks, happened="drift")

    topic_html, _ = page(client, topic_url)
    scenario_html, _ = page(client, scenario_url)
    assert "resolution-banner" in topic_html and "Drift" in topic_html
    assert "<strong>Resolved:</strong> Limited agreement happened" in scenario_html
    for url in (topic_url, scenario_url):
        assert page(client, url)[1] == "hit"  # and cached again, as resolved

    resolution.annul(None, "Wrong.")

    topic_html, _ = page(client, topic_url)
    scenario_html, _ = page(client, scenario_url)
    assert "Resolved:" not in topic_html and "Resolved:" not in scenario_html
    assert "Give your own estimate" in scenario_html


def test_resolving_in_the_admin_reaches_the_cached_pages(client, editor_client, talks):
    topic_url = talks.get_absolute_url()
    assert "Resolved:" not in page(client, topic_url)[0]

    editor_client.post(ADMIN + "add/", admin_form(talks))
    assert "resolution-banner" in page(client, topic_url)[0]

    resolution = Resolution.objects.get()
    editor_client.post(ADMIN + f"{resolution.pk}/annul/", {"reason": "Wrong."})
    assert "Resolved:" not in page(client, topic_url)[0]
