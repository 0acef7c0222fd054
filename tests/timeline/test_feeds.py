"""Atom feeds of developments, site-wide and per topic, and developments in the sitemap."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from diplomacy.timeline.feeds import FEED_SIZE
from tests.factories import make_topic
from tests.timeline.factories import make_development
from tests.utils import count_queries

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "https://diplomacy.example.org"


@pytest.fixture(autouse=True)
def site_address(settings):
    """The site's address, different from the host the test client asks on."""
    settings.SITE_URL = SITE


@pytest.fixture
def trade(db):
    return make_topic(title="Trade", slug="trade")


@pytest.fixture
def arms(db):
    return make_topic(title="Arms control", slug="arms")


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def entry_titles(response) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in entries(response)]


def test_the_feed_lists_the_newest_published_developments_first(client, trade):
    for n in range(FEED_SIZE + 2):
        make_development(trade, title=f"News {n:02}", happened_on=datetime.date(2025, 1, 1) + datetime.timedelta(n))
    make_development(trade, title="A draft", happened_on=datetime.date(2025, 6, 1), is_published=False)
    titles = entry_titles(client.get(reverse("development_feed")))
    assert titles == [f"News {n:02}" for n in range(FEED_SIZE + 1, 1, -1)]
    assert len(titles) == FEED_SIZE


def test_an_entry_says_what_when_where_and_on_which_topics(client, trade, arms):
    development = make_development(
        trade, arms, title="Leaders agree to meet", summary="A summit is set.", happened_on=datetime.date(2025, 2, 10)
    )
    draft_topic = make_topic(title="A draft topic", is_published=False)
    development.topics.add(draft_topic)
    (entry,) = entries(client.get(reverse("development_feed")))
    assert entry.findtext(f"{ATOM}summary") == "A summit is set."
    assert entry.find(f"{ATOM}link").get("href") == SITE + development.get_absolute_url()
    assert entry.findtext(f"{ATOM}published") == "2025-02-10T12:00:00+00:00"
    assert entry.findtext(f"{ATOM}updated")
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Trade", "Arms control"]


def test_every_link_is_on_the_sites_address_whatever_host_was_asked(client, trade):
    make_development(trade)
    for url in (reverse("development_feed"), reverse("topic_development_feed", args=["trade"])):
        feed = ET.fromstring(client.get(url, HTTP_HOST="localhost").content)
        links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
        assert links and all(link.startswith(SITE + "/") for link in links), links
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == SITE + url


def test_an_entrys_id_stays_when_its_title_and_date_are_corrected(client, trade):
    development = make_development(trade, title="Leaders agree to met")
    before = entries(client.get(reverse("development_feed")))[0].findtext(f"{ATOM}id")
    development.title, development.slug = "Leaders agree to meet", "leaders-agree-to-meet"
    development.happened_on = datetime.date(2025, 2, 9)
    development.save()
    (entry,) = entries(client.get(reverse("development_feed")))
    assert entry.findtext(f"{ATOM}title") == "Leaders agree to meet"
    assert entry.findtext(f"{ATOM}id") == before
    assert before.startswith("tag:diplomacy.example.org,")


def test_a_topic_feed_lists_only_that_topics_published_developments(client, trade, arms):
    make_development(trade, title="On trade")
    make_development(arms, title="On arms")
    make_development(trade, arms, title="On both")
    make_development(trade, title="A draft on trade", is_published=False)
    response = client.get(reverse("topic_development_feed", args=["trade"]))
    assert sorted(entry_titles(response)) == ["On both", "On trade"]
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title").endswith("developments on Trade")
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == SITE + "/topics/trade/developments/"


def test_there_is_no_feed_for_an_unknown_or_unpublished_topic(client, editor):
    make_topic(slug="draft-topic", is_published=False)
    for who in (None, editor):
        if who:
            client.force_login(who)
        for slug in ("atlantis", "draft-topic"):
            assert client.get(reverse("topic_development_feed", args=[slug])).status_code == 404


def test_editors_get_the_same_published_only_feed(client, trade, editor):
    make_development(trade, title="Published")
    make_development(trade, title="A draft", is_published=False)
    client.force_login(editor)
    assert entry_titles(client.get(reverse("development_feed"))) == ["Published"]
    assert entry_titles(client.get(reverse("topic_development_feed", args=["trade"]))) == ["Published"]


def test_publishing_reaches_the_cached_feeds(client, trade):
    draft = make_development(trade, title="Soon", is_published=False)
    urls = (reverse("development_feed"), reverse("topic_development_feed", args=["trade"]))
    for url in urls:
        assert entry_titles(client.get(url)) == []
        assert client.get(url)["X-Cache"] == "hit"
    draft.is_published = True
    draft.save()
    for url in urls:
        response = client.get(url)
        assert response["X-Cache"] == "miss" and entry_titles(response) == ["Soon"]


@pytest.mark.parametrize("feed", ["site", "topic"])
def test_a_feeds_query_count_does_not_grow_with_the_data(client, trade, feed):
    url = reverse("development_feed") if feed == "site" else reverse("topic_development_feed", args=["trade"])

    def more() -> None:
        for _ in range(3):
            make_development(trade, make_topic())

    more()
    with_little_data = count_queries(client, url)
    for _ in range(10):
        more()
    assert count_queries(client, url) == with_little_data


# The sitemap


def sitemap(client) -> dict[str, str | None]:
    """Every address in the sitemap, with its lastmod."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = ET.fromstring(response.content).findall(f"{SITEMAP}url")
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urls}


def test_the_sitemap_has_the_list_and_every_published_development(client, trade, editor):
    published = make_development(trade, title="Published")
    draft = make_development(trade, title="A draft", is_published=False)
    for who in (None, editor):
        if who:
            client.force_login(who)
        urls = sitemap(client)
        assert SITE + "/developments/" in urls
        assert urls[SITE + published.get_absolute_url()] == published.updated_at.date().isoformat()
        assert SITE + draft.get_absolute_url() not in urls


def test_publishing_a_development_reaches_the_cached_sitemap(client, trade):
    draft = make_development(trade, title="Soon", is_published=False)
    assert SITE + draft.get_absolute_url() not in sitemap(client)
    draft.is_published = True
    draft.save()
    assert SITE + draft.get_absolute_url() in sitemap(client)


def test_the_sitemaps_query_count_does_not_grow_with_developments(client, trade):
    make_development(trade)
    with_little_data = count_queries(client, "/sitemap.xml")
    for _ in range(30):
        make_development(trade)
    assert count_queries(client, "/sitemap.xml") == with_little_data
