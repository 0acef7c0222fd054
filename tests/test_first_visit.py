"""What a reader or newcomer meets first: the site's name and address, the menu, the words used."""

import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from diplomacy.scenarios import previews
from tests.factories import make_annotation, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def scenario(outcomes):
    topic = make_topic_with_scenarios(outcomes, title="Arms control", slug="arms-control")
    return topic.scenarios.order_by("outcome__order").first()


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)


# The site's name, never the server's address.


def test_the_login_page_is_titled_with_the_site_name_whatever_the_host(client):
    html = client.get(reverse("login"), HTTP_HOST="127.0.0.1:8100").text
    assert "<title>Log in — diplomacy</title>" in html
    assert "127.0.0.1:8100" not in html
    assert re.search(r'class="brand"[^>]*>.*</span> diplomacy</a>', html)


def test_the_password_reset_email_names_the_site_and_links_to_its_address(client, contributor):
    response = client.post(reverse("password_reset"), {"email": contributor.email}, HTTP_HOST="127.0.0.1:8100")
    assert response.status_code == 302
    assert "127.0.0.1:8100" not in client.get(reverse("password_reset"), HTTP_HOST="127.0.0.1:8100").text
    body = mail.outbox[0].body
    assert "your diplomacy account" in body
    assert f"{SITE}/accounts/reset/" in body and "8100" not in body


# Links that carry the site's address follow the page's address in development only.


@override_settings(SITE_URL_FROM_REQUEST=True, ALLOWED_HOSTS=["*"])
def test_in_development_links_follow_the_address_the_page_was_asked_at(client, scenario):
    cache.clear()
    path = scenario.topic.get_absolute_url()
    assert canonical(client.get(path, HTTP_HOST="127.0.0.1:8100").text) == f"http://127.0.0.1:8100{path}"
    # The page is cached per address: another port gets its own links, not the first one's.
    assert canonical(client.get(path, HTTP_HOST="192.168.1.20:8000").text) == f"http://192.168.1.20:8000{path}"
    html = client.get(path, HTTP_HOST="127.0.0.1:8100").text
    assert f'class="copy-link" href="http://127.0.0.1:8100{path}"' in html


def test_in_production_links_use_the_configured_address_whatever_the_host(client, scenario, settings):
    settings.ALLOWED_HOSTS = ["*"]
    path = scenario.topic.get_absolute_url()
    assert canonical(client.get(path, HTTP_HOST="evil.example:8100").text) == f"{SITE}{path}"
    assert f"Sitemap: {SITE}/sitemap.xml" in client.get("/robots.txt", HTTP_HOST="evil.example").text


# The menu, the filter's words, what a reader who is not signed in is told.


def test_the_menu_has_one_link_per_destination(client):
    html = client.get("/").text
    menu = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    hrefs = re.findall(r'href="([^"?]+)', menu)
    assert len(hrefs) == len(set(hrefs))
    assert "Matrix" not in menu and 'href="/topics/"' in menu


def test_the_thread_filter_offers_the_kinds_by_their_plurals(client, scenario):
    html = client.get(scenario.get_absolute_url()).text
    select = re.search(r'<select id="thread-kind" name="kind">(.*?)</select>', html, re.S).group(1)
    assert re.findall(r">([^<]+)</option>", select) == ["all kinds", "notes", "evidence", "counterpoints", "questions"]


def test_a_reader_not_signed_in_is_offered_the_login_page_instead_of_a_dead_selection(client, scenario):
    html = client.get(scenario.get_absolute_url()).text
    login = f'href="/accounts/login/?next={scenario.get_absolute_url()}%23annotate"'
    assert f'<a class="button annotate-selection" id="annotate-selection" {login} hidden>' in html
    assert "Select words in the narrative" not in html
    assert "to annotate this scenario" in html


def test_a_signed_in_reader_is_told_how_to_annotate_a_passage(client, contributor, scenario):
    make_annotation(scenario, contributor)
    client.force_login(contributor)
    html = client.get(scenario.get_absolute_url()).text
    assert '<button type="button" class="button annotate-selection" id="annotate-selection" hidden>' in html
    assert "Select words in the narrative to annotate a passage" in html


def test_the_topic_page_lets_a_reader_jump_to_each_section(client, scenario):
    html = client.get(scenario.topic.get_absolute_url()).text
    nav = re.search(r'<nav class="on-this-page" aria-label="On this page">(.*?)</nav>', html, re.S).group(1)
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert targets[:5] == [
        "scenarios-heading",
        "your-estimate",
        "background-heading",
        "stakes-heading",
        "positions-heading",
    ]
    for target in targets:
        assert f'id="{target}"' in html


# The preview card: real typography, bars right under the title.


def _rows_with(image: Image.Image, colour: str, left: int = 70, right: int = 1100) -> list[int]:
    rgb = Image.new("RGB", (1, 1), colour).getpixel((0, 0))
    pixels = image.load()
    return [y for y in range(image.height) if any(pixels[x, y] == rgb for x in range(left, right, 2))]


def test_the_preview_card_has_no_empty_band_between_title_and_bars():
    bars = [previews.Bar(f"Outcome {n}", 25) for n in range(4)]
    image = Image.open(io.BytesIO(previews.render(kicker="Topic", title="Ukraine", bars=bars, site="diplomacy")))
    title_rows = [y for y in _rows_with(image, previews.TEXT) if y < 200]
    first_bar = min(_rows_with(image, previews.TRACK))
    assert title_rows and 0 < first_bar - max(title_rows) < 60


def test_the_preview_card_draws_dashes_and_quotes_as_themselves():
    def draw(title: str) -> bytes:
        return previews.render(kicker="Topic", title=title, bars=[], site="diplomacy")

    assert draw("War – or peace") != draw("War - or peace")
    assert draw("Editors’ view") != draw("Editors' view")
