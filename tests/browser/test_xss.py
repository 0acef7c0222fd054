"""Hostile input, in a real browser: 127 payloads as narrative text, annotation bodies, quotes,
source links, usernames and search queries; none of them runs or injects anything."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from diplomacy.annotations.models import Annotation
from tests.factories import make_scenario, make_topic
from tests.xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser

INSPECT = """() => ({
    xss: window.__xss !== undefined,
    probe: document.getElementById("xss-probe") !== null,
    scripts: [...document.scripts].map(s => s.src ? new URL(s.src).pathname : "inline"),
    handlers: [...document.querySelectorAll("*")].flatMap(e => [...e.attributes].map(a => a.name))
        .filter(name => name.startsWith("on") || name.startsWith("hx-on")),
    links: [...document.querySelectorAll("[href],[src],[action],[formaction]")]
        .map(e => e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action") || e.getAttribute("formaction"))
        .filter(v => /^\\s*(javascript|data|vbscript):/i.test(v)),
})"""


@pytest.fixture
def hostile_scenario(transactional_db):
    """An editor's narrative made of the payloads, and one annotation per payload by a user named after it."""
    scenario = make_scenario(
        topic=make_topic(slug="hostile"), slug="input", narrative="\n\n".join(["Plain words.", *PAYLOADS])
    )
    for n, payload in enumerate(PAYLOADS):
        author = User.objects.create(username=f"{n}{payload}"[:150], password="!")
        Annotation.objects.create(
            scenario=scenario, author=author, body=payload, quote=payload, source_url=payload, kind="note"
        )
    return scenario


def assert_nothing_ran(page, dialogs: list[str], where: str) -> None:
    page.wait_for_load_state("networkidle")
    found = page.evaluate(INSPECT)
    assert not dialogs, f"{where}: a dialog opened: {dialogs}"
    assert not found["xss"], f"{where}: a payload's script ran"
    assert not found["probe"], f"{where}: a payload's element was injected"
    assert all(src.startswith("/static/") for src in found["scripts"]), f"{where}: scripts {found['scripts']}"
    assert not found["handlers"], f"{where}: event handler attributes {set(found['handlers'])}"
    assert not found["links"], f"{where}: script links {found['links']}"


def watch_dialogs(page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def test_no_payload_runs_on_the_scenario_page_and_thread(page, hostile_scenario):
    dialogs = watch_dialogs(page)
    pages = (len(PAYLOADS) + 19) // 20
    for number in range(1, pages + 1):
        page.goto(f"{hostile_scenario.get_absolute_url()}?page={number}")
        assert_nothing_ran(page, dialogs, f"thread page {number}")
    # Shown as text, not markup: the narrative and the annotations keep the payload's words.
    page.goto(hostile_scenario.get_absolute_url() + "?page=1")
    assert "<b id=xss-probe>bold</b>" in page.locator("#narrative").inner_text()
    assert page.locator("#thread-list .annotation-author").count() == 20


def test_no_payload_runs_for_a_signed_in_reader_with_load_more(page, hostile_scenario, contributor):
    dialogs = watch_dialogs(page)
    page.goto(reverse("login") + f"?next={hostile_scenario.get_absolute_url()}")
    page.fill("#id_username", "contributor")
    page.fill("#id_password", "contributor-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{hostile_scenario.get_absolute_url()}")
    annotations, more = page.locator("#thread-list .annotation"), page.locator("#thread-more a")
    while more.count():
        shown = annotations.count()
        more.click()
        expect(annotations).not_to_have_count(shown)
    expect(annotations).to_have_count(len(PAYLOADS))
    assert_nothing_ran(page, dialogs, "the whole thread, signed in")
    page.goto(reverse("topics"))
    assert_nothing_ran(page, dialogs, "the topic index")


def test_no_search_query_runs_on_the_explorer(page, transactional_db):
    dialogs = watch_dialogs(page)
    make_scenario(topic=make_topic(slug="plain"))
    for payload in PAYLOADS:
        page.goto(reverse("explore") + "?" + urlencode({"q": payload}))
        assert_nothing_ran(page, dialogs, f"search for {payload!r}")
        assert page.locator("#id_q").input_value() == payload.replace("\n", "")[:200]
