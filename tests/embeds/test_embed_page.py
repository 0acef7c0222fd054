"""A topic's embed: what it shows, that it is public data only and the same for everyone, that only it
may be framed by other sites, that its cost does not grow with the data, and the topic page's Embed box."""

from __future__ import annotations

import datetime
import html
import itertools
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from diplomacy.core.site import site_url
from diplomacy.embeds import oembed
from diplomacy.forecasts.models import Forecast
from tests.factories import make_outcome, make_scenario, make_topic, make_topic_with_scenarios
from tests.inline import inline_code
from tests.timeline.factories import make_development, make_revision
from tests.utils import count_queries

pytestmark = pytest.mark.django_db
MISSING = "MISSING-VARIABLE"
_readers = itertools.count(1)


@pytest.fixture
def trade(outcomes):
    """A published topic whose editors revised its estimates once, to 10, 40, 30 and 20 %."""
    topic = make_topic_with_scenarios(outcomes, title="Trade & sanctions", slug="trade")
    make_revision(topic, [10, 40, 30, 20], as_of=datetime.date(2025, 3, 1))
    return topic


@pytest.fixture
def draft(outcomes):
    topic = make_topic(title="A secret topic", slug="secret", is_published=False)
    make_scenario(topic=topic, outcome=outcomes[0])
    return topic


def embed_url(topic_or_slug) -> str:
    return reverse("embed_topic", args=[getattr(topic_or_slug, "slug", topic_or_slug)])


def estimate(topic, readers: int, numbers: list[int]) -> None:
    """`readers` readers each give the topic these numbers, in outcome order."""
    pks = list(topic.scenarios.order_by("outcome__order").values_list("pk", flat=True))
    for _ in range(readers):
        reader = User.objects.create_user(f"reader-{next(_readers)}", password="pw-12345678")
        Forecast.record(reader, topic, dict(zip(pks, numbers, strict=True)))


# What it shows


def test_it_shows_the_topics_outcomes_with_the_editors_estimates_as_bars(client, trade):
    response = client.get(embed_url(trade))
    assert response.status_code == 200
    text = response.text
    assert "<h1>" in text and "Trade &amp; sanctions</a></h1>" in text
    for name, value in [
        ("Breakthrough", 10),
        ("Limited agreement", 40),
        ("No agreement", 30),
        ("Worsened relations", 20),
    ]:
        assert f"<span>{name}</span>" in text
        # The number as text, and a bar that long: a rect as wide as the number, in a 100-wide drawing.
        assert f"Editors: </span>{value}&thinsp;%" in text
        assert f'<rect class="embed-bar-fill" width="{value}" height="10"/>' in text
    assert 'viewBox="0 0 100 10"' in text


def test_it_dates_the_estimates_and_draws_their_history(client, trade):
    text = client.get(embed_url(trade)).text
    assert 'Estimates as of <time datetime="' in text and ">1 March 2025</time>" in text
    assert '<svg class="chart"' in text and "How the estimates for Trade &amp; sanctions moved" in text
    assert text.count("<polyline") >= 4  # a line per outcome


def test_it_links_back_to_the_topic_page_by_its_absolute_address_in_a_new_tab(client, trade):
    text = client.get(embed_url(trade)).text
    topic_url = site_url() + trade.get_absolute_url()
    assert topic_url.startswith(("http://", "https://"))
    assert f'<a href="{topic_url}" target="_blank" rel="noopener">' in text
    assert f'<link rel="canonical" href="{topic_url}">' in text
    assert '<base target="_blank">' in text  # the chart's links too leave the frame alone


def test_it_shows_the_community_estimate_where_the_topic_page_does(client, trade):
    estimate(trade, 4, [20, 30, 30, 20])
    assert "Community: </span>" not in client.get(embed_url(trade)).text
    assert "Community: <strong>" not in client.get(trade.get_absolute_url()).text
    estimate(trade, 1, [20, 30, 30, 20])  # the fifth reader: now it shows, on both
    text = client.get(embed_url(trade)).text
    topic_page = client.get(trade.get_absolute_url()).text
    for value in (20, 30):
        assert f"Community: </span>{value}&thinsp;%" in text
        assert f"Community: <strong>{value}&thinsp;%</strong>" in topic_page
    assert "Community (5 readers)" in text


def test_a_topic_with_nothing_published_under_it_says_so(client):
    topic = make_topic(slug="empty")
    text = client.get(embed_url(topic)).text
    assert "No outcomes are published for this topic yet." in text
    assert "Not estimated yet" in text


def test_a_draft_scenario_of_a_published_topic_is_left_out(client, trade):
    make_scenario(topic=trade, outcome=make_outcome(name="A drafted outcome"), is_published=False, likelihood=None)
    assert "A drafted outcome" not in client.get(embed_url(trade)).text


def test_it_has_no_script_and_no_inline_style(client, trade):
    text = client.get(embed_url(trade)).text
    assert "<script" not in text
    assert inline_code(text) == []
    assert '<link rel="stylesheet" href="/static/css/embed.css">' in text


def test_what_it_shows_is_the_same_for_every_template_variable_given(client, trade, settings):
    """Every variable its template uses is given (a missing one would show, instead of rendering empty)."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "string_if_invalid": MISSING}}
    ]
    estimate(trade, 5, [20, 30, 30, 20])
    for url in (embed_url(trade), embed_url("no-such-topic"), trade.get_absolute_url()):
        assert MISSING not in client.get(url).text, url


# Public data only, the same for everyone


def test_a_draft_topic_is_not_found_for_anyone_editors_included(client, draft, editor):
    for who in (None, editor):
        if who:
            client.force_login(who)
        response = client.get(embed_url(draft))
        assert response.status_code == 404, who
        assert "A secret topic" not in response.text
        assert "This topic is not available" in response.text
    # The editor does see it on its own page: the embed's 404 is not for want of permission.
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_an_unknown_topic_is_not_found(client, db):
    response = client.get(embed_url("no-such-topic"))
    assert response.status_code == 404
    assert "This topic is not available" in response.text


def test_a_renamed_topics_old_embed_address_follows_it(client, trade):
    trade.slug = "trade-and-sanctions"
    trade.save()
    response = client.get(embed_url("trade"))
    assert response.status_code == 301
    assert response["Location"] == embed_url("trade-and-sanctions")


def test_it_never_reads_the_session_so_sets_no_cookie_and_does_not_vary_by_one(client, trade, editor):
    anonymous = client.get(embed_url(trade))
    client.force_login(editor)
    for response in (anonymous, client.get(embed_url(trade)), client.get(embed_url("no-such-topic"))):
        assert not response.cookies, response.cookies
        assert "Set-Cookie" not in response
        assert "Cookie" not in response.get("Vary", ""), response.get("Vary")
    signed_in = client.get(embed_url(trade))
    assert signed_in.content == anonymous.content
    assert "public" in signed_in["Cache-Control"] and "max-age" in signed_in["Cache-Control"]
    # The topic page, by contrast, does read it: the test above could fail.
    assert "Cookie" in client.get(trade.get_absolute_url()).get("Vary", "")


# Framing: the embed, and only the embed


def test_other_sites_may_frame_the_embed(client, trade):
    for _ in range(2):  # built, then from the cache: the headers are the view's, every time
        response = client.get(embed_url(trade))
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors *" in policy and "'none'" not in policy.split("frame-ancestors")[1].split(";")[0]
        assert "X-Frame-Options" not in response
        # The rest of the policy holds: no script from elsewhere, no inline style.
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy


def test_its_not_found_page_may_be_framed_too_so_the_embedding_page_shows_why(client, draft):
    response = client.get(embed_url(draft))
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


def test_no_other_page_may_be_framed(client, trade):
    for url in (trade.get_absolute_url(), "/", reverse("oembed"), "/no-such-page/"):
        response = client.get(url)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert "frame-ancestors *" not in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url


# What it costs


def test_its_queries_do_not_grow_with_outcomes_revisions_developments_or_readers(client, outcomes, trade):
    url = embed_url(trade)
    with_little_data = count_queries(client, url)
    for n in range(4):
        make_scenario(topic=trade, outcome=make_outcome(name=f"Another outcome {n}"), likelihood=0)
    numbers = [10, 40, 30, 20, 0, 0, 0, 0]
    for month in range(4, 12):
        development = make_development(trade, happened_on=datetime.date(2025, month, 2))
        make_revision(trade, numbers, as_of=datetime.date(2025, month, 3), development=development)
    estimate(trade, 8, numbers)
    text = client.get(url).text
    assert "Another outcome 3" in text and "Community: </span>" in text and text.count("chart-marker-rule") == 8
    assert count_queries(client, url) == with_little_data


def test_it_comes_from_the_cache_in_one_query_until_what_it_shows_changes(client, trade):
    url = embed_url(trade)
    first = client.get(url).text
    assert count_queries(client, url, cached=True) == 1
    make_revision(trade, [25, 25, 25, 25], as_of=datetime.date(2025, 4, 1))
    again = client.get(url).text
    assert again != first and "Editors: </span>25&thinsp;%" in again


# The topic page's Embed box


def textarea(page: str) -> str:
    found = re.search(r'<textarea id="embed-snippet"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no embed code on the page"
    return found.group(1)


def test_the_topic_page_offers_the_embed_code_to_copy(client, trade):
    page = client.get(trade.get_absolute_url()).text
    assert '<details class="embed-box">' in page and "<summary>Embed</summary>" in page
    assert '<label for="embed-snippet">' in page
    assert re.search(r'<textarea id="embed-snippet"[^>]*\breadonly\b', page)
    code = html.unescape(textarea(page))  # what a reader copies
    assert code == oembed.snippet("trade", "Trade & sanctions")
    assert f'<iframe src="{site_url()}/embed/topics/trade/" width="100%" height="{oembed.HEIGHT}"' in code
    assert 'title="Trade &amp; sanctions — diplomacy"' in code and 'loading="lazy"' in code
    assert 'data-copy-from="embed-snippet" hidden' in page  # "Copy" shows where JavaScript can copy
    # The snippet's own inline style is text here (for the other site), not an attribute of ours.
    assert "style=&quot;border:0&quot;" in page and inline_code(page) == []


def test_the_embed_code_is_text_on_the_page_never_markup(client, outcomes):
    topic = make_topic_with_scenarios(outcomes, slug="odd", title='Odd </textarea><script>alert("x")</script> & co')
    page = client.get(topic.get_absolute_url()).text
    assert "<iframe" not in page and "<script>alert" not in page
    shown = textarea(page)
    # Escaped twice: once as the snippet's attribute, once more as text on this page.
    assert shown.startswith("&lt;iframe src=&quot;") and "&amp;lt;/textarea&amp;gt;&amp;lt;script&amp;gt;" in shown
    # Copied, it is the snippet, escaped once for the other site's page: its title attribute is safe there too.
    assert html.unescape(shown) == oembed.snippet("odd", topic.title)
    assert 'title="Odd &lt;/textarea&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co' in html.unescape(
        shown
    )


def test_a_draft_topic_page_offers_no_embed(client, draft, editor):
    client.force_login(editor)
    page = client.get(draft.get_absolute_url()).text
    assert "embed-snippet" not in page and "json+oembed" not in page
