"""Links that unfurl and last: canonical URLs, Open Graph, previews, feed, sitemap, 301s."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from diplomacy.scenarios.models import Scenario, Topic
from tests.factories import make_scenario, make_topic, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def topic(outcomes) -> Topic:
    return make_topic_with_scenarios(outcomes, title="Arms control", slug="arms-control", summary="Treaties lapse.")


@pytest.fixture
def scenario(topic) -> Scenario:
    return topic.scenarios.order_by("outcome__order").first()


def meta_tags(html: str) -> dict[str, str]:
    tags = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    tags["canonical"] = canonical.group(1) if canonical else ""
    tags["title"] = re.search(r"<title>([^<]*)</title>", html).group(1)
    return tags


def test_topic_page_unfurls_with_its_own_title_description_and_image(client, topic):
    tags = meta_tags(client.get(topic.get_absolute_url()).text)
    assert tags["title"] == tags["og:title"] == tags["twitter:title"] == "Arms control — US–Russia talks: scenarios"
    assert tags["canonical"] == tags["og:url"] == f"{SITE}/topics/arms-control/"
    assert tags["description"] == tags["og:description"] == tags["twitter:description"] == "Treaties lapse."
    assert tags["og:type"] == "article"
    assert tags["og:image"] == tags["twitter:image"] == f"{SITE}/topics/arms-control/preview.png"
    assert tags["twitter:card"] == "summary_large_image"


def test_scenario_page_unfurls_with_its_own_tags(client, scenario):
    tags = meta_tags(client.get(scenario.get_absolute_url()).text)
    assert tags["canonical"] == tags["og:url"] == SITE + scenario.get_absolute_url()
    assert tags["og:title"] == f"{scenario.title} (Arms control) — US–Russia talks: scenarios"
    assert tags["description"].startswith(f"{scenario.outcome.name} on Arms control: The first paragraph")
    assert tags["og:image"] == f"{SITE}{scenario.get_absolute_url()}preview.png"


@pytest.mark.parametrize(
    ("url", "canonical", "title"),
    [
        ("/", "/", "diplomacy — US–Russia talks: scenarios"),
        (
            "/scenarios/?topic=arms-control&min=&sort=relevance",
            "/scenarios/?topic=arms-control",
            "Explore scenarios — US–Russia talks: scenarios",
        ),
        ("/scenarios/?utm_source=x", "/scenarios/", "Explore scenarios — US–Russia talks: scenarios"),
    ],
)
def test_other_pages_have_canonical_urls_and_tags(client, topic, url, canonical, title):
    tags = meta_tags(client.get(url).text)
    assert tags["canonical"].replace("&amp;", "&") == SITE + canonical
    assert tags["og:title"] == title
    assert tags["og:image"].startswith(f"{SITE}/static/img/preview")
    assert tags["description"]


def test_compare_has_a_canonical_url_naming_its_scenarios(client, topic):
    first, second = topic.scenarios.order_by("outcome__order")[:2]
    tags = meta_tags(client.get(f"/compare/?s={first.ref}&s={second.ref}&s=nope/nope").text)
    assert (
        tags["canonical"].replace("&amp;", "&")
        == f"{SITE}/compare/?s={first.ref.replace('/', '%2F')}&s={second.ref.replace('/', '%2F')}"
    )


@pytest.mark.parametrize("kind", ["topic", "scenario"])
def test_preview_images_are_1200_by_630_pngs(client, scenario, kind):
    url = (scenario.topic if kind == "topic" else scenario).get_absolute_url() + "preview.png"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("public, max-age=")
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))


def test_a_preview_image_is_cached_and_redrawn_when_the_content_changes(client, scenario):
    cache.clear()
    url = scenario.topic.get_absolute_url() + "preview.png"
    first = client.get(url).content
    assert client.get(url).content == first
    scenario.likelihood = 90
    scenario.save()
    assert client.get(url).content != first


def test_unpublished_content_has_no_preview_image(client, outcomes):
    draft = make_topic_with_scenarios(outcomes, is_published=False)
    assert client.get(draft.get_absolute_url() + "preview.png").status_code == 404


def test_sitemap_lists_every_published_topic_and_scenario_and_nothing_else(client, topic, outcomes):
    draft_topic = make_topic_with_scenarios(outcomes, is_published=False)
    draft_scenario = make_scenario(topic=topic, is_published=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", ns)}
    expected = {
        SITE + "/",
        SITE + "/topics/",
        SITE + "/scenarios/",
        SITE + "/developments/",
        SITE + topic.get_absolute_url(),
    }
    expected |= {SITE + s.get_absolute_url() for s in topic.scenarios.filter(is_published=True)}
    assert locations == expected
    assert SITE + draft_topic.get_absolute_url() not in locations
    assert SITE + draft_scenario.get_absolute_url() not in locations


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert f"Sitemap: {SITE}/sitemap.xml" in response.text


def test_the_atom_feed_lists_recently_updated_published_scenarios(client, topic):
    draft = make_scenario(topic=make_topic(), title="Secret draft", is_published=False)
    latest = topic.scenarios.last()
    latest.title = "Freshly updated"
    latest.save()
    response = client.get(reverse("scenario_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 4
    assert entries[0].find("{http://www.w3.org/2005/Atom}title").text == "Arms control: Freshly updated"
    assert draft.title not in response.text
    assert 'type="application/atom+xml"' in client.get("/").text


def test_a_renamed_topic_answers_301_at_its_old_address(client, topic, scenario):
    old_topic_url, old_scenario_url = topic.get_absolute_url(), scenario.get_absolute_url()
    topic.slug = "nuclear-arms"
    topic.save()
    response = client.get(old_topic_url)
    assert response.status_code == 301
    assert response["Location"] == "/topics/nuclear-arms/"
    response = client.get(old_scenario_url)
    assert response.status_code == 301
    assert response["Location"] == f"/topics/nuclear-arms/{scenario.slug}/"


def test_a_renamed_scenario_answers_301_even_after_several_renames(client, scenario):
    old_url = scenario.get_absolute_url()
    for slug in ("second-name", "third-name"):
        scenario.slug = slug
        scenario.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == f"/topics/{scenario.topic.slug}/third-name/"
    assert client.get(response["Location"]).status_code == 200


def test_an_old_slug_of_an_unpublished_scenario_is_still_not_found(client, scenario):
    old_url = scenario.get_absolute_url()
    scenario.slug = "renamed"
    scenario.is_published = False
    scenario.save()
    assert client.get(old_url).status_code == 404
    assert client.get("/topics/arms-control/never-existed/").status_code == 404
