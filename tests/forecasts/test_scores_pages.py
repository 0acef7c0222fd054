"""/scores/ and /scores/<topic>/: the leaderboard and its order, who is named and who is "a reader",
the viewer's own row, what never counts, the community's calibration chart, cached pages kept
fresh, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from diplomacy.forecasts.models import CommunityVersion, Resolution, Score
from diplomacy.scenarios.models import Topic
from tests.factories import make_scenario, make_topic
from tests.utils import count_queries

pytestmark = pytest.mark.django_db

HAPPENED_ON = datetime.date(2025, 3, 11)
SCORES = "/scores/"
T = "\u2009"  # the thin space before "%"
M = "\u2212"  # the minus sign scores are written with

Row = tuple[str, str, str, str, str]  # rank, who, topics, Brier, log: as the page writes them


def board_rows(html: str) -> list[Row]:
    """The leaderboard's rows (the editors' and the community's first, marked "—"), as text."""
    table = re.search(r'<table class="scores-table">(.*?)</table>', html, re.DOTALL)
    assert table, "no leaderboard"
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.DOTALL):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
        if len(cells) == 5 and cells[0] != "Rank":
            rows.append(tuple(cells))
    return rows


def names(html: str) -> list[str]:
    return [row[1] for row in board_rows(html) if row[0] != "—"]


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def resolved_topic(outcomes, slug: str, *, happened: int = 1, published: bool = True) -> Resolution:
    """A topic with three outcomes, resolved (nobody estimated it, so no scores yet: tests add them)."""
    topic = make_topic(slug=slug, title=slug.replace("-", " ").title())
    made = [
        make_scenario(topic=topic, outcome=outcome, slug=f"{slug}-{n}", likelihood=None)
        for n, outcome in enumerate(outcomes[:3])
    ]
    resolution = Resolution.resolve(topic, made[happened], HAPPENED_ON, source_title="A report")
    if not published:
        Topic.objects.filter(pk=topic.pk).update(is_published=False)
    return resolution


def score(resolution: Resolution, who: User | str, brier: float, log: float) -> Score:
    """A stored score: `who` is a reader or a kind of group ("editors", "community")."""
    if isinstance(who, str):
        return Score.objects.create(resolution=resolution, kind=who, brier=brier, log=log)
    return Score.objects.create(resolution=resolution, kind=Score.Kind.READER, reader=who, brier=brier, log=log)


def reader(name: str) -> User:
    return User.objects.create_user(name, f"{name}@example.org", f"{name}-password")


@pytest.fixture
def cast(db) -> dict[str, User]:
    return {name: reader(name) for name in ("alice", "bruno", "chen")}


@pytest.fixture
def two_topics(outcomes, cast) -> tuple[Resolution, Resolution]:
    """Two resolved topics. Means: bruno 0.15 (one topic), alice (0.30 + 0.10) / 2 = 0.20 (two), chen
    0.50 (one); the editors (0.40 + 0.20) / 2 = 0.30, the community 0.25 (on the first only)."""
    first, second = resolved_topic(outcomes, "arms"), resolved_topic(outcomes, "trade")
    score(first, cast["alice"], 0.30, -0.9)
    score(second, cast["alice"], 0.10, -0.1)
    score(first, cast["bruno"], 0.15, -0.4)
    score(second, cast["chen"], 0.50, -1.2)
    score(first, "editors", 0.40, -0.7)
    score(second, "editors", 0.20, -0.3)
    score(first, "community", 0.25, -0.6)
    return first, second


def listing(user: User, listed: bool) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("estimate_listing"), {"listed": "on"} if listed else {})
    assert response.status_code == 302


# The leaderboard


def test_the_leaderboard_ranks_readers_by_their_mean_brier_after_the_editors_and_the_community(client, two_topics):
    assert board_rows(get(client, SCORES)) == [
        ("—", "The editors", "2", "0.300", f"{M}0.500"),
        ("—", "The community", "1", "0.250", f"{M}0.600"),
        ("1", "A reader", "1", "0.150", f"{M}0.400"),
        ("2", "A reader", "2", "0.200", f"{M}0.500"),
        ("3", "A reader", "1", "0.500", f"{M}1.200"),
    ]


def test_a_tie_on_brier_goes_to_the_better_log_score(client, outcomes, cast):
    resolution = resolved_topic(outcomes, "arms")
    score(resolution, cast["alice"], 0.2, -0.9)
    score(resolution, cast["bruno"], 0.2, -0.3)
    for user in cast.values():
        listing(user, True)

    assert names(get(client, SCORES)) == ["bruno", "alice"]


def test_a_topics_scores_page_ranks_only_that_topics_scores(client, two_topics):
    first, _second = two_topics

    html = get(client, reverse("topic_scores", args=[first.topic.slug]))

    assert board_rows(html) == [
        ("—", "The editors", "1", "0.400", f"{M}0.700"),
        ("—", "The community", "1", "0.250", f"{M}0.600"),
        ("1", "A reader", "1", "0.150", f"{M}0.400"),
        ("2", "A reader", "1", "0.300", f"{M}0.900"),
    ]
    banner = re.search(r'<p class="resolution-banner">(.*?)</p>', html, re.DOTALL)
    assert banner and "Limited agreement" in banner.group(1) and "11 March 2025" in banner.group(1)


def test_the_scores_page_lists_the_resolved_topics(client, two_topics):
    html = get(client, SCORES)

    listed = re.search(r'<ul class="resolved-list">(.*?)</ul>', html, re.DOTALL)
    assert listed
    assert sorted(re.findall(r'<a href="/scores/([a-z-]+)/">', listed.group(1))) == ["arms", "trade"]
    assert "No topic has resolved yet" not in html


def test_with_nothing_resolved_the_scores_page_says_so(client, db):
    html = get(client, SCORES)

    assert board_rows(html) == []
    assert "No reader has been scored yet." in html
    assert "No topic has resolved yet" in html
    assert "No outcome of a resolved topic to show yet." in html


# Who is named


def test_readers_are_unnamed_until_they_choose_and_the_cached_page_follows(two_topics, cast):
    """Anonymous readers get /scores/ from the cache; another reader gets it fresh: both see the choice at once."""
    anonymous, bruno = Client(), Client()
    bruno.force_login(cast["bruno"])
    for url in (SCORES, reverse("topic_scores", args=["arms"])):
        assert "alice" not in get(anonymous, url) and "alice" not in get(bruno, url)
    assert anonymous.get(SCORES)["X-Cache"] == "hit"

    listing(cast["alice"], True)

    assert names(get(anonymous, SCORES)) == ["A reader", "alice", "A reader"]
    assert names(get(bruno, SCORES)) == ["A reader (you)", "alice", "A reader"]
    assert names(get(anonymous, reverse("topic_scores", args=["arms"]))) == ["A reader", "alice"]

    listing(cast["alice"], False)

    assert names(get(anonymous, SCORES)) == ["A reader", "A reader", "A reader"]
    assert "alice" not in get(bruno, SCORES)


def test_a_listed_readers_new_name_reaches_the_cached_page(client, two_topics, cast):
    listing(cast["alice"], True)
    assert "alice" in names(get(client, SCORES))

    cast["alice"].username = "alicia"
    cast["alice"].save()

    assert "alicia" in names(get(client, SCORES))


def test_only_the_viewer_sees_which_row_is_theirs(two_topics, cast):
    alice, chen, anonymous = Client(), Client(), Client()
    alice.force_login(cast["alice"])
    chen.force_login(cast["chen"])

    assert names(get(alice, SCORES)) == ["A reader", "A reader (you)", "A reader"]
    assert names(get(chen, SCORES)) == ["A reader", "A reader", "A reader (you)"]
    # Asked after two signed-in readers, and then from the cache: nobody's row is marked.
    for _ in range(2):
        html = get(anonymous, SCORES)
        assert "(you)" not in html and "scores-yours" not in html
    assert 'class="scores-yours"' in get(alice, SCORES)


def test_a_reader_never_scored_sees_no_row_marked(client, two_topics, contributor):
    client.force_login(contributor)

    assert "(you)" not in get(client, SCORES)


# What never counts


def test_scores_of_an_unpublished_topic_or_an_annulled_resolution_never_appear(client, outcomes, two_topics, editor):
    draft = resolved_topic(outcomes, "draft-topic", published=False)
    annulled = resolved_topic(outcomes, "annulled-topic")
    dora, eve = reader("dora"), reader("eve")
    for resolution, who in ((draft, dora), (annulled, eve)):
        score(resolution, who, 0.01, -0.01)  # the best scores of all, were they to count
        score(resolution, "editors", 1.9, -6.9)
        score(resolution, "community", 1.9, -6.9)
        listing(who, True)
    annulled.annul(editor, "Wrong outcome.")
    Score.objects.create(resolution=annulled, kind=Score.Kind.READER, reader=eve, brier=0.01, log=-0.01)

    html = get(client, SCORES)

    assert names(html) == ["A reader", "A reader", "A reader"]  # alice, bruno and chen; not dora nor eve
    assert "draft-topic" not in html and "annulled-topic" not in html
    assert board_rows(html)[:2] == [
        ("—", "The editors", "2", "0.300", f"{M}0.500"),
        ("—", "The community", "1", "0.250", f"{M}0.600"),
    ]
    assert client.get(reverse("topic_scores", args=["draft-topic"])).status_code == 404
    annulled_page = get(client, reverse("topic_scores", args=["annulled-topic"]))
    assert "has not resolved" in annulled_page and "scores-table" not in annulled_page


def test_annulling_takes_the_scores_off_the_cached_pages(client, outcomes, cast, editor):
    resolution = resolved_topic(outcomes, "arms")
    score(resolution, cast["alice"], 0.2, -0.5)
    listing(cast["alice"], True)
    topic_url = reverse("topic_scores", args=["arms"])
    assert names(get(client, SCORES)) == ["alice"]
    assert names(get(client, topic_url)) == ["alice"]
    assert client.get(SCORES)["X-Cache"] == "hit"

    resolution.annul(editor, "Wrong outcome.")

    assert names(get(client, SCORES)) == []
    assert "No topic has resolved yet" in get(client, SCORES)
    assert "has not resolved" in get(client, topic_url)


def test_a_new_resolution_reaches_the_cached_scores_page(client, outcomes, contributor):
    assert "No topic has resolved yet" in get(client, SCORES)

    resolved_topic(outcomes, "arms")

    html = get(client, SCORES)
    assert "No topic has resolved yet" not in html and '<a href="/scores/arms/">Arms</a>' in html


# Addresses


def test_an_unknown_topic_has_no_scores_page(client, db):
    assert client.get("/scores/no-such-topic/").status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", ""])
def test_any_page_number_shows_a_page(client, two_topics, page):
    html = get(client, f"{SCORES}?page={page}")
    assert len(names(html)) == 3


def test_an_unresolved_topic_says_it_has_not_resolved(client, outcomes):
    topic = make_topic(slug="open-topic")
    make_scenario(topic=topic, outcome=outcomes[0])

    html = get(client, reverse("topic_scores", args=["open-topic"]))

    assert "This topic has not resolved" in html
    assert "scores-table" not in html
    assert f'href="{topic.get_absolute_url()}#your-estimate"' in html


def test_the_leaderboard_pages_past_fifty_readers(client, outcomes):
    resolution = resolved_topic(outcomes, "arms")
    for n in range(51):
        score(resolution, reader(f"reader{n:02}"), n / 100, -n / 100)

    first, second = get(client, SCORES), get(client, f"{SCORES}?page=2")

    assert [row[0] for row in board_rows(first)] == [str(n) for n in range(1, 51)]
    assert board_rows(second) == [("51", "A reader", "1", "0.500", f"{M}0.500")]
    assert 'href="?page=2"' in first


# The calibration chart


def community_scored(
    outcomes, slug: str, numbers: tuple[int, int, int], happened: int, *, draft: bool = False
) -> Resolution:
    """A topic whose community (five readers) held `numbers` from 1 March until it resolved on 11 March;
    with `draft`, a fourth outcome not yet published, which readers do not estimate."""
    topic = make_topic(slug=slug)
    made = [
        make_scenario(topic=topic, outcome=outcome, slug=f"{slug}-{n}", likelihood=None)
        for n, outcome in enumerate(outcomes[:3])
    ]
    if draft:
        make_scenario(topic=topic, outcome=outcomes[3], slug=f"{slug}-draft", likelihood=None, is_published=False)
    CommunityVersion.objects.create(
        topic=topic,
        numbers={str(s.pk): value for s, value in zip(made, numbers, strict=True)},
        readers=5,
        made_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
    )
    return Resolution.resolve(topic, made[happened], HAPPENED_ON, source_title="A report")


def calibration_rows(html: str) -> list[tuple[str, ...]]:
    table = re.search(r'<details class="calibration-table">(.*?)</details>', html, re.DOTALL)
    assert table, "no calibration table"
    rows = re.findall(r'<tr>\s*<th scope="row">(.*?)</th>(.*?)</tr>', table.group(1), re.DOTALL)
    return [(label, *re.findall(r"<td[^>]*>(.*?)</td>", cells)) for label, cells in rows]


def test_the_calibration_chart_gathers_the_communitys_scored_outcomes(client, outcomes, editor):
    # Arms: 25 / 64 / 11, and the second happened; trade: 32 / 66 / 2, and the first happened.
    community_scored(outcomes, "arms", (25, 64, 11), happened=1)
    community_scored(outcomes, "trade", (32, 66, 2), happened=0)
    # Neither an unpublished topic's outcomes nor an annulled resolution's count (45 % would make a 40–50 % row).
    community_scored(outcomes, "draft", (45, 45, 10), happened=0)
    Topic.objects.filter(slug="draft").update(is_published=False)
    community_scored(outcomes, "annulled", (45, 45, 10), happened=0).annul(editor, "Wrong.")

    html = get(client, SCORES)

    assert calibration_rows(html) == [
        (f"0–10{T}%", "1", f"2{T}%", f"0{T}%"),  # trade's third
        (f"10–20{T}%", "1", f"11{T}%", f"0{T}%"),  # arms' third
        (f"20–30{T}%", "1", f"25{T}%", f"0{T}%"),  # arms' first
        (f"30–40{T}%", "1", f"32{T}%", f"100{T}%"),  # trade's first, which happened
        (f"60–70{T}%", "2", f"65{T}%", f"50{T}%"),  # arms' second (happened), trade's second (did not)
    ]
    assert len(re.findall(r'<circle class="calibration-dot"', html)) == 5


def test_the_calibration_chart_leaves_out_draft_outcomes(client, outcomes):
    community_scored(outcomes, "arms", (25, 64, 11), happened=1, draft=True)

    assert [row[:2] for row in calibration_rows(get(client, SCORES))] == [
        (f"10–20{T}%", "1"),
        (f"20–30{T}%", "1"),
        (f"60–70{T}%", "1"),
    ]


def test_the_calibration_chart_leaves_out_readers_and_editors(client, outcomes, contributor):
    resolution = resolved_topic(outcomes, "arms")
    Score.objects.create(
        resolution=resolution,
        kind=Score.Kind.READER,
        reader=contributor,
        brier=0.5,
        log=-0.5,
        probabilities={str(resolution.scenario_id): 0.45},
    )

    assert calibration_rows(get(client, SCORES)) == []


# Query counts


def grow(outcomes, start: int, count: int) -> None:
    """`count` more resolved topics, each with the editors', the community's and three readers'
    scores, some readers listed."""
    for n in range(start, start + count):
        resolution = resolved_topic(outcomes, f"topic-{n}")
        score(resolution, "editors", 0.3, -0.5)
        Score.objects.create(
            resolution=resolution,
            kind=Score.Kind.COMMUNITY,
            brier=0.3,
            log=-0.5,
            probabilities={str(resolution.scenario_id): 0.6},
        )
        for k in range(3):
            who = reader(f"reader-{n}-{k}")
            score(resolution, who, 0.1 * k, -0.1 * k)
            if k:
                listing(who, True)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_scores_pages_run_as_many_queries_however_many_scores(client, outcomes, contributor, signed_in):
    if signed_in:
        client.force_login(contributor)
    grow(outcomes, 0, 2)
    topic_url = reverse("topic_scores", args=["topic-0"])
    few = count_queries(client, SCORES), count_queries(client, topic_url)
    assert len(names(get(client, SCORES))) == 6

    grow(outcomes, 2, 6)

    assert len(names(get(client, SCORES))) == 24
    assert (count_queries(client, SCORES), count_queries(client, topic_url)) == few


def test_a_cached_scores_page_runs_one_query(client, two_topics):
    get(client, SCORES)

    assert count_queries(client, SCORES, cached=True) == 1
