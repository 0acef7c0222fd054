"""Conversation in a real browser: replying in place, following a topic, and a notification
reaching the right person (and no one else)."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from diplomacy.annotations.models import Annotation
from diplomacy.notifications.models import Follow, Notification
from tests.browser.test_annotations import NARRATIVE, log_in
from tests.factories import make_annotation, make_scenario

pytestmark = pytest.mark.browser


def two_readers():
    author = User.objects.create_user("ana", "ana@example.org", "ana-password")
    replier = User.objects.create_user("ben", "ben@example.org", "ben-password")
    return author, replier


def test_replying_in_place_then_the_author_is_notified(browser, live_server, page):
    author, _replier = two_readers()
    scenario = make_scenario(title="Inspections extended", narrative=NARRATIVE)
    annotation = make_annotation(scenario, author, body="The inspections matter most.")
    url = scenario.get_absolute_url()

    log_in(page, "ben", "ben-password", url)
    item = page.locator(f"#annotation-{annotation.pk}")
    scroll_before = page.evaluate("window.scrollY")
    item.get_by_role("link", name="Reply").click()
    field = item.locator(".reply-form textarea")
    expect(field).to_be_focused()
    field.fill("They do, and *so* do the dates.")
    item.get_by_role("button", name="Post reply").click()
    posted = page.locator(f"#annotation-{annotation.pk} .replies .annotation--reply")
    expect(posted).to_have_count(1)
    expect(posted).to_contain_text("They do, and so do the dates.")
    expect(posted.locator("em")).to_have_text("so")
    expect(page).to_have_url(f"{live_server.url}{url}")  # in place: no page load
    assert page.evaluate("window.scrollY") >= scroll_before
    expect(item.locator(".reply-form")).to_have_count(0)

    # The author sees the unread count, the notification, and follows it to the reply.
    author_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    author_page = author_context.new_page()
    log_in(author_page, "ana", "ana-password", "/")
    expect(author_page.locator("#unread-count")).to_contain_text("1")
    author_page.get_by_role("link", name="Notifications").click()
    notice = author_page.locator(".notification").first
    expect(notice).to_contain_text("ben replied to you")
    expect(notice).to_contain_text("They do, and *so* do the dates.")
    notice.get_by_role("button", name="Mark read").click()
    expect(notice).not_to_have_class("notification notification--unread")
    expect(author_page.locator(".notification--unread")).to_have_count(0)
    notice.get_by_role("link", name="ben replied to you").click()
    reply = Annotation.objects.get(parent=annotation)
    expect(author_page.locator(f"#annotation-{reply.pk}")).to_be_in_viewport()
    author_context.close()

    # The replier was told of nothing.
    page.goto("/me/notifications/")
    expect(page.locator(".notification")).to_have_count(0)
    expect(page.locator("#unread-count")).to_have_count(0)


def test_following_a_topic_brings_news_of_new_annotations(browser, live_server, page):
    follower, _writer = two_readers()
    scenario = make_scenario(title="Inspections extended", narrative=NARRATIVE)
    topic_url = scenario.topic.get_absolute_url()

    log_in(page, "ana", "ana-password", topic_url)
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("button", name="Following")).to_be_visible()
    assert Follow.objects.filter(user=follower, topic=scenario.topic).exists()

    writer_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    writer_page = writer_context.new_page()
    log_in(writer_page, "ben", "ben-password", scenario.get_absolute_url())
    form = writer_page.locator("#annotate")
    form.locator("textarea[name=body]").fill("A new angle on the inspections.")
    form.get_by_role("button", name="Post annotation").click()
    expect(writer_page.locator("#thread-list")).to_contain_text("A new angle on the inspections.")
    writer_page.goto("/me/notifications/")
    expect(writer_page.locator(".notification")).to_have_count(0)  # not told of their own
    writer_context.close()

    page.goto("/me/notifications/")
    expect(page.locator(".notification").first).to_contain_text("ben annotated “Inspections extended”")
    page.get_by_role("button", name="Mark all 1 read").click()
    expect(page.locator(".notification--unread")).to_have_count(0)
    assert Notification.objects.get(recipient=follower).read_at is not None


def test_replies_and_follow_work_without_javascript(browser, live_server):
    author, _replier = two_readers()
    scenario = make_scenario(title="Inspections extended", narrative=NARRATIVE)
    annotation = make_annotation(scenario, author, body="No script needed.")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "ben", "ben-password", scenario.get_absolute_url())
    page.locator(f"#annotation-{annotation.pk}").get_by_role("link", name="Reply").click()
    page.locator("textarea[name=body]").fill("Plain forms still work.")
    page.get_by_role("button", name="Post reply").click()
    reply = Annotation.objects.get(parent=annotation)
    expect(page.locator(f"#annotation-{reply.pk}")).to_contain_text("Plain forms still work.")
    expect(page.locator(".messages")).to_contain_text("Your reply is posted.")
    page.get_by_role("button", name="Follow").click()
    expect(page.locator(".messages")).to_contain_text("You follow")
    expect(page.get_by_role("button", name="Following")).to_be_visible()
    context.close()
