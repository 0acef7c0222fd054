"""A reader's own estimate on a topic page: the form, what it refuses and keeps, every version, the
stored community estimate and the threshold at which it shows, and "My estimates"."""

from __future__ import annotations

import itertools
import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from diplomacy.forecasts import community
from diplomacy.forecasts.models import Community, CommunityVersion, Forecast, Forecaster, ForecastVersion
from tests.factories import make_scenario, make_topic
from tests.utils import count_queries


@pytest.fixture
def topic(outcomes):
    """Three published outcomes (50/30/20 by the editors) and a draft one, which readers do not estimate."""
    topic = make_topic(slug="arms", title="Arms control")
    for outcome, (slug, likelihood) in zip(outcomes, [("deal", 50), ("drift", 30), ("race", 20)], strict=False):
        make_scenario(topic=topic, outcome=outcome, slug=slug, title=slug.title(), likelihood=likelihood)
    make_scenario(topic=topic, outcome=outcomes[3], slug="draft", is_published=False, likelihood=None)
    return topic


def form(deal="30", drift="50", race="20", **extra) -> dict[str, str]:
    return {"outcome-deal": deal, "outcome-drift": drift, "outcome-race": race, "reason": "Senate math."} | extra


def estimate_url(topic) -> str:
    return reverse("topic_estimate", args=[topic.slug])


def readers(n: int, start: int = 0) -> list[User]:
    return [
        User.objects.create_user(f"reader{i}", f"r{i}@example.org", "pw-123456789") for i in range(start, start + n)
    ]


def numbers_of(topic, deal: int, drift: int, race: int) -> dict[int, int]:
    pks = dict(topic.scenarios.values_list("slug", "pk"))
    return {pks["deal"]: deal, pks["drift"]: drift, pks["race"]: race}


def input_value(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, f"no input {name}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


# The form on the topic page


def test_an_anonymous_reader_is_invited_to_log_in(client, topic):
    html = client.get(topic.get_absolute_url()).text
    assert 'id="your-estimate"' in html
    assert "Log in</a> or" in html and f"next={topic.get_absolute_url()}" in html.replace("%2F", "/")
    assert 'name="outcome-deal"' not in html


def test_a_signed_in_reader_gets_one_box_per_published_outcome_beside_the_editors_numbers(client, contributor, topic):
    client.force_login(contributor)
    html = client.get(topic.get_absolute_url()).text
    assert re.findall(r'name="(outcome-[a-z]+)"', html) == ["outcome-deal", "outcome-drift", "outcome-race"]
    section = html.split('id="your-estimate"')[1].split("</section>")[0]
    assert re.findall(r"<td>(\d+)&thinsp;%</td>", section) == ["50", "30", "20"]
    assert "Save my estimate" in section


def test_saving_keeps_the_estimate_and_a_version_then_redirects_with_a_message(client, contributor, topic):
    client.force_login(contributor)
    response = client.post(estimate_url(topic), form())
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url() + "#your-estimate"
    forecast = Forecast.objects.get(reader=contributor, topic=topic)
    assert forecast.by_scenario == numbers_of(topic, 30, 50, 20)
    assert forecast.reason == "Senate math."
    assert ForecastVersion.objects.filter(forecast=forecast).count() == 1
    page = client.get(topic.get_absolute_url()).text
    assert "Your estimate is saved." in page
    assert input_value(page, "outcome-drift") == "50"
    assert "Save my new estimate" in page


def test_every_revision_is_kept_and_the_latest_is_current(client, contributor, topic):
    client.force_login(contributor)
    client.post(estimate_url(topic), form())
    client.post(estimate_url(topic), form("10", "10", "80", reason="Changed my mind."))
    forecast = Forecast.objects.get(reader=contributor, topic=topic)
    assert forecast.by_scenario == numbers_of(topic, 10, 10, 80)
    versions = list(forecast.versions.order_by("made_at", "pk").values_list("numbers", "reason"))
    assert [v[1] for v in versions] == ["Senate math.", "Changed my mind."]
    assert Forecast.objects.filter(reader=contributor).count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (form("30", "50", "10"), "add up to 90 %, not 100 %"),
        (form("60", "50", "-10"), "a chance cannot be negative"),
        (form("thirty", "50", "20"), "Give a whole number from 0 to 100."),
        (form("30.5", "49.5", "20"), "Give a whole number from 0 to 100."),
        (form("30", "", "20"), "Give a number for this outcome"),
        (form("130", "0", "0"), "Give a number from 0 to 100."),
    ],
)
def test_bad_numbers_are_refused_with_a_message_and_the_typed_numbers_kept(client, contributor, topic, typed, message):
    client.force_login(contributor)
    response = client.post(estimate_url(topic), typed)
    assert response.status_code == 422
    html = response.text
    assert message in html
    for name in ("outcome-deal", "outcome-drift", "outcome-race"):
        assert input_value(html, name) == typed[name]
    assert "Senate math." in html  # the reason too
    assert not Forecast.objects.exists() and not ForecastVersion.objects.exists()


def test_a_field_error_sits_by_its_field(client, contributor, topic):
    client.force_login(contributor)
    html = client.post(estimate_url(topic), form("x", "50", "50")).text
    deal = re.search(r'<input[^>]*name="outcome-deal"[^>]*>', html).group(0)
    drift = re.search(r'<input[^>]*name="outcome-drift"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in deal and "aria-invalid" not in drift
    row = html.split('name="outcome-deal"')[1].split("</tr>")[0]
    assert '<span class="field-error" id="id_outcome-deal_error">Give a whole number from 0 to 100.</span>' in row


def test_scale_to_100_rescales_what_was_typed_without_saving(client, contributor, topic):
    client.force_login(contributor)
    response = client.post(estimate_url(topic), form("1", "1", "2", scale="1"))
    assert response.status_code == 200
    html = response.text
    # 25 / 25 / 50: in proportion, whole, adding up to 100.
    assert [input_value(html, f"outcome-{s}") for s in ("deal", "drift", "race")] == ["25", "25", "50"]
    assert "Senate math." in html
    assert not Forecast.objects.exists()


def test_scale_to_100_splits_remainders_by_largest_remainder(client, contributor, topic):
    client.force_login(contributor)
    html = client.post(estimate_url(topic), form("1", "1", "1", scale="1")).text
    assert [input_value(html, f"outcome-{s}") for s in ("deal", "drift", "race")] == ["34", "33", "33"]


def test_scale_to_100_with_nothing_usable_explains_and_keeps_the_text(client, contributor, topic):
    client.force_login(contributor)
    response = client.post(estimate_url(topic), form("0", "abc", "-4", scale="1"))
    assert response.status_code == 200
    assert "Type a number above 0 for at least one outcome, then scale." in response.text
    assert input_value(response.text, "outcome-drift") == "abc"


def test_the_total_is_shown_without_javascript(client, contributor, topic):
    client.force_login(contributor)
    html = client.post(estimate_url(topic), form("30", "50", "10")).text
    assert re.search(r"<output[^>]*data-estimate-total[^>]*>90\u2009% \(10 to go\)</output>", html)


def test_an_anonymous_post_goes_to_log_in_and_saves_nothing(client, topic):
    response = client.post(estimate_url(topic), form())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Forecast.objects.exists()


def test_estimates_need_a_post(client, contributor, topic):
    client.force_login(contributor)
    assert client.get(estimate_url(topic)).status_code == 405


def test_an_unpublished_topic_is_not_found_for_readers(client, contributor, topic):
    topic.is_published = False
    topic.save()
    client.force_login(contributor)
    assert client.post(estimate_url(topic), form()).status_code == 404
    assert client.post(reverse("topic_estimate", args=["no-such-topic"]), form()).status_code == 404
    assert not Forecast.objects.exists()


def test_an_editor_previewing_an_unpublished_topic_is_told_readers_estimate_once_published(client, editor, topic):
    topic.is_published = False
    topic.save()
    client.force_login(editor)
    assert (
        "Readers can give their own estimates once this topic is published."
        in client.get(topic.get_absolute_url()).text
    )
    response = client.post(estimate_url(topic), form("31", "49", "20"))
    assert response.status_code == 422
    assert "Readers can estimate this topic once it is published." in response.text
    assert input_value(response.text, "outcome-deal") == "31"
    assert not Forecast.objects.exists()


def test_more_than_a_few_saves_a_minute_are_refused_with_the_numbers_kept(client, contributor, topic, settings):
    settings.ESTIMATE_RATE_LIMIT = 3
    client.force_login(contributor)
    for _ in range(3):
        assert client.post(estimate_url(topic), form()).status_code == 302
    response = client.post(estimate_url(topic), form("40", "40", "20"))
    assert response.status_code == 429
    assert "You have saved 3 estimates in the last minute" in response.text
    assert input_value(response.text, "outcome-deal") == "40"
    assert ForecastVersion.objects.count() == 3
    ForecastVersion.objects.update(made_at=timezone.now() - timedelta(minutes=2))
    assert client.post(estimate_url(topic), form("40", "40", "20")).status_code == 302


def test_a_reader_sees_only_their_own_estimate(client, contributor, other_contributor, topic):
    """Two people in sequence, the author first: nothing of theirs reaches the next reader's page or
    the page anonymous readers share."""
    Forecast.record(contributor, topic, numbers_of(topic, 70, 20, 10), "Mine, privately.")
    client.force_login(contributor)
    html = client.get(topic.get_absolute_url()).text
    assert input_value(html, "outcome-deal") == "70" and "Mine, privately." in html
    client.force_login(other_contributor)
    html = client.get(topic.get_absolute_url()).text
    assert input_value(html, "outcome-deal") == "" and "Mine, privately." not in html
    client.logout()
    html = client.get(topic.get_absolute_url()).text
    assert "Mine, privately." not in html and 'name="outcome-deal"' not in html


# The community estimate: stored on save, shown from the fifth reader


def test_the_community_estimate_is_stored_when_an_estimate_is_saved(topic):
    first, second, third = readers(3)
    Forecast.record(first, topic, numbers_of(topic, 60, 30, 10))
    stored = Community.objects.get(topic=topic)
    assert stored.readers == 1 and stored.whole == numbers_of(topic, 60, 30, 10)
    Forecast.record(second, topic, numbers_of(topic, 20, 30, 50))
    Forecast.record(third, topic, numbers_of(topic, 40, 40, 20))
    stored.refresh_from_db()
    # Three readers: weights e^(√n − √3) for n = 1, 2, 3 (oldest first): 0.48, 0.66, 1.
    # deal: values 60 (0.48), 20 (0.66), 40 (1) → sorted 20, 40, 60; half of 2.14 is 1.07; 0.66 + 1 passes it at 40.
    # drift: 30, 30, 40 → 30; race: 10, 50, 20 → sorted 10 (0.48), 20 (1) passes 1.07 at 20.
    # Medians 40 + 30 + 20 = 90, scaled to 100: 44.4, 33.3, 22.2 → whole 45, 33, 22.
    assert stored.readers == 3
    assert stored.whole == numbers_of(topic, 45, 33, 22)
    expected = community.community(
        [community.ReaderEstimate(f.updated_at, f.numbers) for f in Forecast.objects.filter(topic=topic)],
        [str(pk) for pk in numbers_of(topic, 0, 0, 0)],
    )
    assert stored.numbers == pytest.approx(expected)


def test_a_revision_replaces_the_readers_number_in_the_community(topic):
    (reader,) = readers(1)
    Forecast.record(reader, topic, numbers_of(topic, 60, 30, 10))
    Forecast.record(reader, topic, numbers_of(topic, 10, 30, 60))
    stored = Community.objects.get(topic=topic)
    assert stored.readers == 1 and stored.whole == numbers_of(topic, 10, 30, 60)


def test_a_community_version_is_kept_only_when_what_it_shows_changes(topic):
    first, second = readers(2)
    Forecast.record(first, topic, numbers_of(topic, 60, 30, 10))
    Forecast.record(first, topic, numbers_of(topic, 60, 30, 10))  # the same again: nothing new to show
    assert CommunityVersion.objects.filter(topic=topic).count() == 1
    Forecast.record(second, topic, numbers_of(topic, 60, 30, 10))  # one more reader: the count shows
    assert list(CommunityVersion.objects.filter(topic=topic).values_list("readers", flat=True)) == [1, 2]


def community_on_page(client, topic) -> str:
    html = client.get(topic.get_absolute_url()).text
    return html.split('id="scenarios-heading"')[1].split("</section>")[0]


def test_the_community_estimate_shows_from_the_fifth_reader_and_until_then_how_many_so_far(client, topic):
    people = readers(5)
    for n, reader in enumerate(people[:4], start=1):
        Forecast.record(reader, topic, numbers_of(topic, 20, 30, 50))
        section = community_on_page(client, topic)
        assert f"{n} reader{'s' if n > 1 else ''} so far" in section
        assert "Community:" not in section
    Forecast.record(people[4], topic, numbers_of(topic, 20, 30, 50))
    section = community_on_page(client, topic)
    assert "recency-weighted median of 5 readers" in section
    assert re.findall(r"Community: <strong>(\d+)&thinsp;%</strong>", section) == ["20", "30", "50"]


def test_the_scenario_page_shows_the_community_number_beside_the_editors(client, topic):
    for reader in readers(5):
        Forecast.record(reader, topic, numbers_of(topic, 20, 30, 50))
    html = client.get(topic.scenarios.get(slug="race").get_absolute_url()).text
    assert "recency-weighted median of 5 readers’ own: <strong>50&thinsp;%</strong>" in html
    assert "Give your own estimate" in html


def test_the_matrix_switches_between_the_editors_and_the_communitys_numbers(client, topic):
    for reader in readers(5):
        Forecast.record(reader, topic, numbers_of(topic, 22, 33, 45))
    other = make_topic(slug="trade")
    make_scenario(topic=other, outcome=topic.scenarios.get(slug="deal").outcome, slug="open")

    def cells(url: str) -> list[str]:
        html = client.get(url).text
        return re.findall(r'<span class="cell-value">([^<]+)</span>', html.split('class="matrix"')[1])

    assert cells("/topics/")[:3] == ["50&thinsp;%", "30&thinsp;%", "20&thinsp;%"]
    community_cells = cells("/topics/?estimates=community")
    assert community_cells[:3] == ["22&thinsp;%", "33&thinsp;%", "45&thinsp;%"]
    assert "too few readers" in community_cells  # the other topic
    assert cells("/topics/?estimates=nonsense")[:3] == cells("/topics/")[:3]  # anything else: the editors'
    home = client.get("/?estimates=community").text
    assert 'href="?estimates=community#matrix" aria-current="true"' in home


def test_the_history_chart_gets_the_communitys_lines(client, topic, editor):
    from diplomacy.timeline.models import Revision

    topic.scenarios.filter(slug="draft").delete()  # a first revision needs a number for every scenario
    Revision.snapshot(topic, as_of=timezone.localdate() - timedelta(days=30), reason="First.")
    for reader in readers(5):
        Forecast.record(reader, topic, numbers_of(topic, 22, 33, 45))
    html = client.get(topic.get_absolute_url()).text
    chart = html.split('id="history-heading"')[1].split("</figure>")[0]
    assert chart.count("is-community") >= 3
    assert "Thin: the community’s" in chart


@pytest.mark.parametrize("path", ["/", "/topics/"])
@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_each_view_of_the_matrix_is_cached_apart(client, topic, path, who):
    """The editors' matrix, then the community's, then the editors' again: each its own."""
    people = readers(6)
    for reader in people[:5]:
        Forecast.record(reader, topic, numbers_of(topic, 22, 33, 45))
    if who == "reader":
        client.force_login(people[5])

    def first_cell(query: str) -> str:
        html = client.get(path + query).text
        return re.findall(r'<span class="cell-value">([^<]+)</span>', html.split('class="matrix"')[1])[0]

    assert first_cell("") == "50&thinsp;%"
    assert first_cell("?estimates=community") == "22&thinsp;%"
    assert first_cell("") == "50&thinsp;%"


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_the_cached_matrix_follows_the_community_as_readers_estimate(client, topic, who):
    """The same reader (signed in, or anonymous) before and after the fifth estimate, and after a
    revision that changes the numbers: never a stale matrix, and the editors' view unaffected."""
    people = readers(6)
    if who == "reader":
        client.force_login(people[5])

    def cells(query: str = "") -> list[str]:
        html = client.get("/topics/" + query).text
        return re.findall(r'<span class="cell-value">([^<]+)</span>', html.split('class="matrix"')[1])[:3]

    for reader in people[:4]:
        Forecast.record(reader, topic, numbers_of(topic, 22, 33, 45))
    editors = cells()
    assert cells("?estimates=community") == ["too few readers"] * 3
    Forecast.record(people[4], topic, numbers_of(topic, 22, 33, 45))
    assert cells("?estimates=community") == ["22&thinsp;%", "33&thinsp;%", "45&thinsp;%"]
    assert cells() == editors
    for reader in people[:5]:
        Forecast.record(reader, topic, numbers_of(topic, 40, 40, 20))
    assert cells("?estimates=community") == ["40&thinsp;%", "40&thinsp;%", "20&thinsp;%"]


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_the_cached_scenario_page_follows_the_community(client, topic, who):
    people = readers(6)
    if who == "reader":
        client.force_login(people[5])
    url = topic.scenarios.get(slug="race").get_absolute_url()
    for reader in people[:4]:
        Forecast.record(reader, topic, numbers_of(topic, 20, 30, 50))
    assert "4 so far" in client.get(url).text
    Forecast.record(people[4], topic, numbers_of(topic, 20, 30, 50))
    assert "median of 5 readers’ own: <strong>50&thinsp;%</strong>" in client.get(url).text
    Forecast.record(people[4], topic, numbers_of(topic, 20, 10, 70))
    Forecast.record(people[3], topic, numbers_of(topic, 20, 10, 70))
    Forecast.record(people[2], topic, numbers_of(topic, 20, 10, 70))
    assert "median of 5 readers’ own: <strong>70&thinsp;%</strong>" in client.get(url).text


def test_a_save_that_changes_nothing_others_see_invalidates_only_the_readers_own(client, topic):
    from diplomacy.core.models import Version

    people = readers(5)
    for reader in people:
        Forecast.record(reader, topic, numbers_of(topic, 20, 30, 50))
    before = dict(Version.objects.values_list("scope", "token"))
    Forecast.record(people[0], topic, numbers_of(topic, 20, 30, 50))  # the same numbers again
    after = dict(Version.objects.values_list("scope", "token"))
    # Only what that reader alone sees (their estimate's date) is new.
    assert {scope for scope in after if after[scope] != before.get(scope)} == {f"reader:{people[0].pk}"}


# My estimates


def test_my_estimates_lists_each_topic_beside_the_editors_and_the_community_with_every_version(
    client, contributor, topic
):
    Forecast.record(contributor, topic, numbers_of(topic, 60, 30, 10), "First go.")
    Forecast.record(contributor, topic, numbers_of(topic, 50, 30, 20), "Second go.")
    client.force_login(contributor)
    html = client.get(reverse("my_estimates")).text
    assert "Arms control" in html
    assert "2 versions" in html and "“First go.”" in html and "“Second go.”" in html
    rows = re.findall(
        r"<tr><th scope=\"row\">(\w[^<]*)</th><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html
    )
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("50&thinsp;%", "—", "50&thinsp;%"),
        ("30&thinsp;%", "—", "30&thinsp;%"),
        ("20&thinsp;%", "—", "20&thinsp;%"),
    ]


def test_my_estimates_needs_a_login_and_shows_nobody_elses(client, contributor, other_contributor, topic):
    assert client.get(reverse("my_estimates")).status_code == 302
    Forecast.record(other_contributor, topic, numbers_of(topic, 60, 30, 10), "Theirs.")
    client.force_login(contributor)
    html = client.get(reverse("my_estimates")).text
    assert "Theirs." not in html and "You have not estimated any topic yet." in html


def test_my_estimates_keeps_its_query_count_as_estimates_grow(client, contributor, outcomes):
    client.force_login(contributor)

    def estimate_another_topic() -> None:
        topic = make_topic()
        scenarios = [make_scenario(topic=topic, outcome=outcome) for outcome in outcomes[:2]]
        Forecast.record(contributor, topic, {scenarios[0].pk: 40, scenarios[1].pk: 60}, "Because.")
        Forecast.record(contributor, topic, {scenarios[0].pk: 45, scenarios[1].pk: 55}, "Again.")

    estimate_another_topic()
    few = count_queries(client, reverse("my_estimates"))
    for _ in range(5):
        estimate_another_topic()
    assert count_queries(client, reverse("my_estimates")) == few


def test_the_listing_choice_is_off_by_default_and_saved_by_a_post(client, contributor):
    client.force_login(contributor)
    html = client.get(reverse("my_estimates")).text
    assert re.search(r'<input type="checkbox" name="listed">', html)
    response = client.post(reverse("estimate_listing"), {"listed": "on"}, follow=True)
    assert "Your name now shows on the scores." in response.text
    assert re.search(r'<input type="checkbox" name="listed" checked>', response.text)
    assert Forecaster.objects.get(user=contributor).listed
    client.post(reverse("estimate_listing"), {})
    assert not Forecaster.objects.get(user=contributor).listed


# Scale: the topic page's queries do not grow with readers' estimates


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_the_topic_page_keeps_its_query_count_as_estimates_grow(client, topic, who):
    people = readers(40)
    if who == "reader":
        client.force_login(people[0])

    def estimate(group: list[User]) -> None:
        for n, reader in enumerate(group):
            Forecast.record(reader, topic, numbers_of(topic, 10 + n % 50, 30, 60 - n % 50))

    estimate(people[:5])
    few = count_queries(client, topic.get_absolute_url())
    estimate(people[5:])
    estimate(people[5:])
    assert count_queries(client, topic.get_absolute_url()) == few


# Concurrency: two saves at once by the same reader


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_by_the_same_reader_keep_exactly_one_current_estimate(outcomes):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL (CI runs this suite on both)")
    topic = make_topic(slug="race")
    scenarios = [make_scenario(topic=topic, outcome=outcome) for outcome in outcomes[:2]]
    reader = User.objects.create_user("racer", "racer@example.org", "pw-123456789")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            barrier.wait()
            Forecast.record(reader, topic, {scenarios[0].pk: n, scenarios[1].pk: 100 - n})
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in (10, 20, 30, 40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Forecast.objects.filter(reader=reader, topic=topic).count() == 1
    assert ForecastVersion.objects.filter(forecast__reader=reader).count() == 4
    current = Forecast.objects.get(reader=reader).by_scenario
    latest = ForecastVersion.objects.order_by("-made_at", "-pk").first()
    assert latest is not None and current == latest.by_scenario
    stored = Community.objects.get(topic=topic)
    assert stored.readers == 1 and stored.whole == {pk: int(v) for pk, v in current.items()}


@pytest.mark.django_db(transaction=True)
def test_saves_at_once_by_different_readers_all_count_in_the_community(outcomes):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL (CI runs this suite on both)")
    topic = make_topic(slug="crowd")
    scenarios = [make_scenario(topic=topic, outcome=outcome) for outcome in outcomes[:2]]
    people = readers(6)
    barrier = threading.Barrier(len(people))

    def save(reader: User) -> None:
        try:
            barrier.wait()
            Forecast.record(reader, topic, {scenarios[0].pk: 30, scenarios[1].pk: 70})
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(reader,)) for reader in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Community.objects.get(topic=topic).readers == 6


def test_the_charts_community_lines_keep_a_bounded_number_of_readings_and_only_changes(topic):
    from diplomacy.timeline.history import COMMUNITY_READINGS, community_readings

    pks = list(numbers_of(topic, 0, 0, 0))
    start = timezone.now() - timedelta(days=500)
    CommunityVersion.objects.bulk_create(
        CommunityVersion(
            topic=topic,
            numbers={str(pks[0]): 20 + day % 7, str(pks[1]): 40, str(pks[2]): 40 - day % 7},
            readers=10 + day,
            made_at=start + timedelta(days=day),
        )
        for day in range(500)
    )
    readings = community_readings(topic)
    assert 50 < len(readings) <= COMMUNITY_READINGS
    assert all(a.day < b.day for a, b in itertools.pairwise(readings))
    assert all(a.values != b.values for a, b in itertools.pairwise(readings))
    assert readings[-1].values == {pks[0]: 20 + 499 % 7, pks[1]: 40, pks[2]: 40 - 499 % 7}


def test_a_community_that_never_changes_is_one_reading(topic):
    from diplomacy.timeline.history import community_readings

    pks = list(numbers_of(topic, 0, 0, 0))
    start = timezone.now() - timedelta(days=30)
    CommunityVersion.objects.bulk_create(
        CommunityVersion(
            topic=topic,
            numbers={str(pks[0]): 20, str(pks[1]): 40, str(pks[2]): 40},
            readers=5,
            made_at=start + timedelta(days=day),
        )
        for day in range(10)
    )
    assert len(community_readings(topic)) == 1


def panel_of(client, topic) -> str:
    return client.get(topic.get_absolute_url()).text.split('id="your-estimate"')[1].split("</section>")[0]


def test_a_readers_cached_panel_follows_their_saves_others_estimates_and_a_resolution(client, topic, editor):
    """The panel is cached for each reader: it must change when they save, when the community it
    shows changes, and when the topic resolves, and never show one reader another's numbers."""
    from diplomacy.forecasts.models import Resolution

    people = readers(6)
    client.force_login(people[0])
    assert input_value(panel_of(client, topic), "outcome-deal") == ""
    Forecast.record(people[0], topic, numbers_of(topic, 61, 29, 10))
    panel = panel_of(client, topic)
    assert input_value(panel, "outcome-deal") == "61"
    assert re.findall(r"<td>(\d+|—)(?:&thinsp;%)?</td>", panel)[1::2] == ["—", "—", "—"]  # no community yet
    for reader in people[1:5]:
        Forecast.record(reader, topic, numbers_of(topic, 20, 30, 50))
    panel = panel_of(client, topic)
    assert re.findall(r"<td>(\d+)&thinsp;%</td>", panel) == ["50", "20", "30", "30", "20", "50"]
    client.force_login(people[5])
    assert input_value(panel_of(client, topic), "outcome-deal") == ""  # not the first reader's
    client.force_login(people[0])
    ForecastVersion.objects.update(made_at=timezone.now() - timedelta(days=3))
    Resolution.resolve(topic, topic.scenarios.get(slug="deal"), timezone.localdate(), source_title="A statement")
    assert "Your estimate scored a Brier score of" in panel_of(client, topic)


def test_each_reader_gets_their_own_csrf_token_in_the_cached_panel(topic):
    from django.test import Client

    first, second = readers(2)
    tokens = []
    for reader in (first, second):
        client = Client(enforce_csrf_checks=True)
        client.force_login(reader)
        html = client.get(topic.get_absolute_url()).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html.split('id="your-estimate"')[1]).group(1)
        tokens.append(token)
        assert client.post(estimate_url(topic), form() | {"csrfmiddlewaretoken": token}).status_code == 302
    assert tokens[0] != tokens[1]
    assert Forecast.objects.count() == 2


def test_a_readers_cached_panel_follows_a_save_that_changes_nothing_else(client, topic):
    """The same numbers again with a new reason: the community does not change, their panel does."""
    (reader,) = readers(1)
    client.force_login(reader)
    Forecast.record(reader, topic, numbers_of(topic, 61, 29, 10), "First reason.")
    assert "First reason." in panel_of(client, topic)
    Forecast.record(reader, topic, numbers_of(topic, 61, 29, 10), "Second reason.")
    assert "Second reason." in panel_of(client, topic)


def test_readers_whose_estimates_were_loaded_in_bulk_still_see_only_their_own(client, topic):
    """Bulk loads (generate_demo) send no signals, so such readers have no token of their own yet:
    the panel's key must still tell them apart."""
    from diplomacy.core.models import Version

    first, second = readers(2)
    Forecast.record(first, topic, numbers_of(topic, 61, 29, 10), "The first reader’s.")
    Forecast.record(second, topic, numbers_of(topic, 11, 79, 10), "The second reader’s.")
    Version.objects.filter(scope__startswith="reader:").delete()
    client.force_login(first)
    assert "The first reader’s." in panel_of(client, topic)
    client.force_login(second)
    panel = panel_of(client, topic)
    assert "The second reader’s." in panel and "The first reader’s." not in panel


def test_a_reader_who_deletes_their_account_leaves_the_community(topic, django_capture_on_commit_callbacks):
    people = readers(5)
    for reader in people:
        Forecast.record(reader, topic, numbers_of(topic, 20, 30, 50))
    assert Community.objects.get(topic=topic).readers == 5
    with django_capture_on_commit_callbacks(execute=True):
        people[0].delete()
    assert Community.objects.get(topic=topic).readers == 4


def test_deleting_a_topic_with_estimates_deletes_them_and_its_community(topic, django_capture_on_commit_callbacks):
    for reader in readers(2):
        Forecast.record(reader, topic, numbers_of(topic, 20, 30, 50))
    with django_capture_on_commit_callbacks(execute=True):
        topic.delete()
    assert not Community.objects.exists() and not Forecast.objects.exists()
