"""Embeds in Chromium: another site's page frames a topic's embed, which renders with nothing the
Content-Security-Policy blocks; the same page cannot frame the topic page; and the topic page's
Embed box hands out the code."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from diplomacy.embeds import oembed
from diplomacy.forecasts.models import Forecast, Resolution
from tests.factories import make_topic_with_scenarios
from tests.timeline.factories import make_development, make_revision

pytestmark = pytest.mark.browser

# Run in every frame before its own scripts (and past its policy): policy violations, as the frame sees them.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def framing(*frames: tuple[str, str]) -> str:
    """Another site's blog post framing each (id, address)."""
    iframes = "".join(
        f'<iframe id="{id}" src="{src}" width="600" height="560" title="{id}"></iframe>' for id, src in frames
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog</title></head>'
        f"<body><h1>A blog post</h1><p>What I think of the talks:</p>{iframes}</body></html>"
    )


@pytest.fixture
def trade(transactional_db, outcomes):
    topic = make_topic_with_scenarios(outcomes, title="Trade and sanctions", slug="trade")
    make_revision(topic, [10, 40, 30, 20])  # so that it has a history to draw
    return topic


def test_another_site_frames_the_embed_and_it_renders_within_the_policy(page, live_server, other_origin, trade):
    """`page` fails the test on any JavaScript error or policy violation in its console; the embed's
    frame also records violations itself, since its console is another origin's."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    embed = f"{live_server.url}/embed/topics/trade/"
    page.goto(other_origin("post.html", framing(("embed", embed))))
    frame = page.frame_locator("#embed")
    expect(frame.get_by_role("heading", level=1, name="Trade and sanctions")).to_be_visible()
    outcome = frame.get_by_role("listitem").filter(has_text="Limited agreement")
    expect(outcome).to_be_visible()
    expect(outcome).to_contain_text("40")
    expect(frame.get_by_role("img", name="How the estimates for Trade and sanctions moved")).to_be_visible()
    link = frame.get_by_role("link", name="Trade and sanctions")
    expect(link).to_have_attribute("target", "_blank")
    embedded = next(f for f in page.frames if f.url == embed)
    assert embedded.evaluate("window.__violations") == []
    # Its stylesheets did load and apply: a bar is drawn, as long as its number says.
    fill = frame.locator(".embed-bar-fill").first
    assert float(fill.get_attribute("width")) == 10 and fill.bounding_box()["width"] > 0
    assert embedded.evaluate("getComputedStyle(document.querySelector('.embed')).borderTopStyle") == "solid"


def test_another_site_cannot_frame_the_topic_page(browser, live_server, other_origin, trade):
    """Chromium refuses to show the topic page in another site's frame (frame-ancestors 'none', and
    X-Frame-Options: DENY), while the embed beside it shows."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    topic_page = live_server.url + trade.get_absolute_url()
    embed = f"{live_server.url}/embed/topics/trade/"
    page.goto(other_origin("steal.html", framing(("embed", embed), ("topic", topic_page))))
    expect(page.frame_locator("#embed").get_by_role("heading", level=1, name="Trade and sanctions")).to_be_visible()
    topic_frame = page.frame_locator("#topic")
    expect(topic_frame.get_by_role("heading", name="Trade and sanctions")).to_have_count(0)
    expect(topic_frame.locator("body")).not_to_contain_text("Limited agreement")
    # No frame of the page holds the topic page: Chromium put an error page in its place.
    assert not [f for f in page.frames if f.url.startswith(topic_page)], [f.url for f in page.frames]
    assert any("frame-ancestors 'none'" in text for text in console), console
    context.close()


def test_the_topic_pages_embed_box_copies_the_code(browser, live_server, trade):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(trade.get_absolute_url())
    code = page.get_by_label("Paste this code into your page")
    expect(code).to_be_hidden()  # folded until asked for
    page.get_by_text("Embed", exact=True).click()
    expect(code).to_be_visible()
    expect(code).to_have_js_property("readOnly", True)
    snippet = code.input_value()
    assert snippet.startswith('<iframe src="') and "/embed/topics/trade/" in snippet
    page.get_by_role("button", name="Copy code").click()
    expect(page.locator("#toast")).to_have_text("Copied to the clipboard")
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    context.close()


@pytest.mark.parametrize("width", [300, 320, 321, 360, 390, 480, 599, 600, 640])
def test_the_height_given_for_a_width_shows_everything_without_scrolling(browser, live_server, outcomes, width):
    """What oEmbed answers (diplomacy/embeds/oembed.py HEIGHTS) holds for the most an embed shows:
    a long title, four outcomes with the community's numbers, a resolution, and a marked history."""
    topic = make_topic_with_scenarios(outcomes, title="Trade and economic cooperation", slug="trade")
    make_revision(topic, [10, 40, 30, 20], as_of=datetime.date(2025, 1, 20))
    make_revision(topic, [15, 50, 25, 10], as_of=datetime.date(2025, 9, 1), development=make_development(topic))
    pks = list(topic.scenarios.order_by("outcome__order").values_list("pk", flat=True))
    for n, numbers in enumerate(
        [[10, 40, 30, 20], [20, 40, 30, 10], [5, 55, 25, 15], [15, 45, 30, 10], [10, 50, 20, 20]]
    ):
        reader = User.objects.create_user(f"reader-{n}", password="pw-12345678")
        Forecast.record(reader, topic, dict(zip(pks, numbers, strict=True)))
    Resolution.resolve(topic, topic.scenarios.get(pk=pks[1]), datetime.date(2025, 11, 30), source_title="A communiqué")
    context = browser.new_context(viewport={"width": width, "height": oembed.height_at(width)})
    page = context.new_page()
    page.goto(f"{live_server.url}/embed/topics/trade/")
    expect(page.get_by_text("Resolved:")).to_be_visible()
    expect(page.locator(".embed-figure--community")).to_have_count(4)
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert sizes[0] <= width and sizes[1] <= oembed.height_at(width), sizes
    context.close()
