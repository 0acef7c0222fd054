"""oEmbed: a topic page's address answered with its embed, sized to the room a consumer has; anything
else a JSON error, never HTML and never a 500; and the link on topic pages that finds it."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from diplomacy.core.site import site_url
from diplomacy.embeds import oembed
from tests.factories import make_scenario, make_topic, make_topic_with_scenarios

pytestmark = pytest.mark.django_db


@pytest.fixture
def trade(outcomes):
    return make_topic_with_scenarios(outcomes, title="Trade & sanctions", slug="trade")


def page_url(path: str) -> str:
    return site_url() + path


def ask(client, **params):
    return client.get(reverse("oembed") + "?" + urlencode(params))


def iframe_attributes(snippet: str) -> dict[str, str]:
    assert snippet.startswith("<iframe ") and snippet.endswith("></iframe>"), snippet
    return {name: html.unescape(value) for name, value in re.findall(r'([a-z-]+)="([^"]*)"', snippet)}


def test_a_topic_pages_address_is_answered_with_a_rich_embed(client, trade):
    response = ask(client, url=page_url(trade.get_absolute_url()), format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["version"] == "1.0" and answer["type"] == "rich"
    assert answer["provider_name"] == settings.SITE_NAME and answer["provider_url"] == site_url() + "/"
    assert answer["title"] == "Trade & sanctions"
    assert (answer["width"], answer["height"]) == (oembed.WIDTH, oembed.height_at(oembed.WIDTH))
    iframe = iframe_attributes(answer["html"])
    assert iframe["src"] == site_url() + reverse("embed_topic", args=["trade"])
    assert (iframe["width"], iframe["height"]) == (str(answer["width"]), str(answer["height"]))
    assert iframe["title"] == "Trade & sanctions — diplomacy" and iframe["loading"] == "lazy"


def test_its_embed_address_is_the_embed(client, trade):
    src = iframe_attributes(ask(client, url=page_url(trade.get_absolute_url())).json()["html"])["src"]
    response = client.get(urlsplit(src).path)
    assert response.status_code == 200 and "Trade &amp; sanctions" in response.text


def test_json_is_the_format_when_none_is_asked_for_and_query_and_fragment_do_not_matter(client, trade):
    for url in (page_url("/topics/trade/"), page_url("/topics/trade/?utm_source=x#scenarios-heading")):
        for params in ({}, {"format": ""}):
            response = ask(client, url=url, **params)
            assert response.status_code == 200 and response.json()["title"] == "Trade & sanctions", (url, params)


@pytest.mark.parametrize(
    ("maxwidth", "maxheight", "size"),
    [
        (None, None, (640, 540)),  # as wide as it is made for, and as tall as that needs
        ("500", None, (500, 780)),  # one column: taller
        ("320", None, (320, 820)),  # each name above its bars: taller still
        ("5000", None, (640, 540)),  # never wider than it is made for
        (None, "400", (640, 400)),  # lower, when that is all the room there is
        (None, "240", (640, 240)),  # as low as it can be
        ("350", "9999", (350, 780)),  # never taller than it needs
        ("abc", "-5", (640, 540)),  # what is not a number asks for nothing
        ("1_0", "٣٠٠", (640, 540)),
        (" 400 ", "", (400, 780)),
    ],
)
def test_maxwidth_and_maxheight_are_honoured_within_bounds(client, trade, maxwidth, maxheight, size):
    params = {"url": page_url("/topics/trade/")}
    params |= {"maxwidth": maxwidth} if maxwidth is not None else {}
    params |= {"maxheight": maxheight} if maxheight is not None else {}
    answer = ask(client, **params).json()
    assert (answer["width"], answer["height"]) == size
    iframe = iframe_attributes(answer["html"])
    assert (iframe["width"], iframe["height"]) == tuple(str(n) for n in size)


@pytest.mark.parametrize(("maxwidth", "maxheight"), [("299", None), ("0", None), (None, "239"), ("200", "100")])
def test_less_room_than_the_embed_needs_gets_no_embed(client, trade, maxwidth, maxheight):
    """oEmbed: never an answer larger than asked. Below 300 × 240 the embed would show nothing
    readable, so there is none (a 404: the consumer shows a plain link)."""
    params = {"url": page_url("/topics/trade/")}
    params |= {"maxwidth": maxwidth} if maxwidth is not None else {}
    params |= {"maxheight": maxheight} if maxheight is not None else {}
    response = ask(client, **params)
    assert response.status_code == 404 and "300 × 240" in response.json()["detail"]


@pytest.mark.parametrize("fmt", ["xml", "XML", "yaml", "jsonp"])
def test_any_format_but_json_is_not_implemented(client, trade, fmt):
    response = ask(client, url=page_url("/topics/trade/"), format=fmt)
    assert response.status_code == 501
    assert response["Content-Type"] == "application/json" and "json" in response.json()["detail"]


BAD_URLS = {
    "missing": None,
    "empty": "",
    "not an address": "trade",
    "a path alone": "/topics/trade/",
    "garbled": "http://[::1/topics/trade/",
    "percent garbage": "%ff%fe/topics/%00/",
    "another host": "https://example.org/topics/trade/",
    "another port": "{site}:1/topics/trade/",
    "another scheme": "ftp://{host}/topics/trade/",
    "a javascript: address": "javascript:alert(1)",
    "a scenario page": "{site}/topics/trade/{scenario}/",
    "the list of topics": "{site}/topics/",
    "the embed itself": "{site}/embed/topics/trade/",
    "a draft topic": "{site}/topics/secret/",
    "an unknown topic": "{site}/topics/no-such-topic/",
    "without the trailing slash": "{site}/topics/trade",
    "an address on the host as a user name": "http://{host}@example.org/topics/trade/",
    "the topic in the API": "{site}/api/v1/topics/trade",  # a route named "topic" too
    "a NUL in the API's topic": "{site}/api/v1/topics/a%00",  # PostgreSQL would refuse it with an error
}


@pytest.mark.parametrize("case", BAD_URLS)
def test_an_address_that_is_not_a_published_topic_page_here_is_a_json_404(client, trade, editor, case):
    make_topic(slug="secret", is_published=False)
    template = BAD_URLS[case]
    host = urlsplit(site_url()).netloc
    scenario = trade.scenarios.first().slug
    params = {"format": "json"}
    if template is not None:
        params["url"] = template.format(site=site_url(), host=host, scenario=scenario)
    client.force_login(editor)  # editors see drafts on the site, never through oEmbed
    response = ask(client, **params)
    assert response.status_code == 404, params
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_any_other_site_may_read_it_from_a_browser(client, trade):
    response = client.get(
        reverse("oembed"), {"url": page_url("/topics/trade/")}, headers={"Origin": "https://blog.example.net"}
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_it_never_reads_the_session(client, trade, editor):
    client.force_login(editor)
    response = ask(client, url=page_url("/topics/trade/"))
    assert not response.cookies and "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"]


FUZZ = hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


@FUZZ
@given(
    url=TEXT | st.builds(lambda tail: site_url() + "/" + tail, TEXT),
    extra=st.dictionaries(st.sampled_from(["maxwidth", "maxheight", "format"]), TEXT, max_size=3),
)
def test_no_query_string_gets_a_500_or_html(client, trade, url, extra):
    response = client.get(reverse("oembed"), {"url": url, **extra})
    assert response.status_code in (200, 404, 501), (url, extra, response.status_code)
    assert response["Content-Type"] == "application/json"


@FUZZ
@given(maxwidth=st.none() | TEXT, maxheight=st.none() | TEXT)
def test_a_fitted_size_is_always_within_bounds(maxwidth, maxheight):
    size = oembed.fit(maxwidth, maxheight)
    if size is None:  # less room than the embed needs was asked for
        assert oembed.asked(maxwidth, oembed.WIDTH) < oembed.MIN_WIDTH or oembed.asked(maxheight, 9999) < 240
        return
    assert oembed.MIN_WIDTH <= size.width <= min(oembed.WIDTH, oembed.asked(maxwidth, oembed.WIDTH))
    assert oembed.MIN_HEIGHT <= size.height <= min(oembed.height_at(size.width), oembed.asked(maxheight, 9999))


def test_a_narrower_embed_is_never_lower():
    heights = [oembed.height_at(width) for width in range(oembed.MIN_WIDTH, oembed.WIDTH + 1)]
    assert heights == sorted(heights, reverse=True)


# Discovery


def discovery_link(page: str) -> re.Match | None:
    return re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)" title="([^"]*)">', page)


def test_a_topic_page_says_where_its_oembed_is_and_the_address_works(client, trade):
    found = discovery_link(client.get(trade.get_absolute_url()).text)
    assert found, "no oEmbed discovery link"
    href, title = html.unescape(found.group(1)), html.unescape(found.group(2))
    assert title == "Trade & sanctions"
    assert href.startswith(site_url() + "/oembed?")
    parts = urlsplit(href)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200
    answer = response.json()
    assert answer["title"] == "Trade & sanctions" and "/embed/topics/trade/" in answer["html"]


def test_only_published_topic_pages_say_so(client, trade, editor):
    draft = make_topic(slug="secret", is_published=False)
    make_scenario(topic=draft)
    client.force_login(editor)
    assert discovery_link(client.get(draft.get_absolute_url()).text) is None
    assert discovery_link(client.get(trade.scenarios.first().get_absolute_url()).text) is None
    assert discovery_link(client.get(trade.get_absolute_url()).text) is not None
