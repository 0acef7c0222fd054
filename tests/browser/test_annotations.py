"""Readers annotate scenarios: select a passage, write, edit, delete; editors hide; without JavaScript too."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diplomacy.annotations.models import Annotation
from tests.factories import make_scenario

pytestmark = pytest.mark.browser

PARAGRAPHS = [
    "Talks open in a neutral capital, with both delegations wary of the press and of each other.",
    "After two long days the envoys agree to extend the inspection regime for another year, "
    "and the mood in the hall lightens.",
    "Critics at home call the deal thin, but the markets rise the next morning all the same.",
]
NARRATIVE = "\n\n".join(PARAGRAPHS)
PASSAGE = "extend the inspection regime"  # in the second paragraph only
OTHER_PASSAGE = "Critics at home"  # in the third paragraph only
CONTEXT = 32  # characters of text kept before and after a quote


def make_annotated_scenario():
    return make_scenario(title="Inspections extended", narrative=NARRATIVE)


def url_ending(path: str) -> re.Pattern:
    """The page's address is this path, with nothing (or only a fragment) after it."""
    return re.compile(f"{re.escape(path)}(#[^?]*)?$")


def add_numbered(scenario, author, count: int, kind_and_body) -> None:
    """`count` annotations a minute apart, numbered from the newest (the thread shows number 1 first);
    `kind_and_body(number)` gives each one's kind and body."""
    now = timezone.now()
    for number in range(1, count + 1):
        kind, body = kind_and_body(number)
        Annotation.objects.create(
            scenario=scenario, author=author, kind=kind, body=body, created_at=now - timedelta(minutes=number)
        )


def log_in(page, username: str, password: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(url_ending(next_url))
    expect(page.locator(".site-header")).to_contain_text(f"Log out {username}")
    # The address changes as the page starts to arrive: wait for its scripts too, or a selection
    # made at once could come before site.js listens for it (seen once in CI, under load).
    page.wait_for_load_state("load")


def select_words(page, paragraph: int, words: str) -> None:
    """Select `words` in the given paragraph of the narrative, as a reader dragging over them would."""
    page.evaluate(
        """([index, words]) => {
            const p = document.querySelectorAll("#narrative p")[index];
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode()) && !node.textContent.includes(words));
            if (!node) throw new Error(`"${words}" is not in one text node of paragraph ${index}`);
            const start = node.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [paragraph, words],
    )


def annotation_item(page, annotation: Annotation):
    return page.locator(f"#annotation-{annotation.pk}")


@contextmanager
def another_context(browser, live_server, **options):
    """A separate browser (own cookies), failing the test on JavaScript errors like the `page` fixture."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(10_000)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_a_new_reader_signs_up_selects_a_passage_annotates_it_and_sees_it_highlighted(page):
    scenario = make_annotated_scenario()
    url = scenario.get_absolute_url()
    start = NARRATIVE.index(PASSAGE)
    end = start + len(PASSAGE)

    page.goto(f"/accounts/signup/?next={url}")
    page.locator("#id_username").fill("newcomer")
    page.locator("#id_email").fill("newcomer@example.org")
    page.locator("#id_password1").fill("a-long-unusual-passphrase")
    page.locator("#id_password2").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(url_ending(url))
    expect(page.locator(".site-header")).to_contain_text("Log out newcomer")
    expect(page.locator("#annotation-count")).to_have_text("0")
    expect(page.locator("#narrative a.passage")).to_have_count(0)
    page.evaluate("window.__marker = 1")

    button = page.locator("#annotate-selection")
    expect(button).to_be_hidden()
    select_words(page, 1, PASSAGE)
    expect(button).to_be_visible()
    button.click()

    expect(page.locator("#id_quote")).to_have_value(PASSAGE)
    # The page says where the words stand (from each paragraph's offset); the server keeps the text around them.
    expect(page.locator("#id_quote_start")).to_have_value(str(start))
    expect(page.locator("#id_quote_end")).to_have_value(str(end))
    expect(page.locator("#id_body")).to_be_focused()
    page.locator("#id_body").fill("A year is **not enough** to rebuild trust.")
    page.locator("#annotate").get_by_role("button", name="Post annotation").click()

    first = page.locator("#thread-list > li").first
    expect(first.locator(".annotation-body strong")).to_have_text("not enough")
    annotation = Annotation.objects.get(author__username="newcomer")
    assert (annotation.quote, annotation.scenario) == (PASSAGE, scenario)
    assert (annotation.quote_prefix, annotation.quote_suffix) == (
        NARRATIVE[start - CONTEXT : start],
        NARRATIVE[end : end + CONTEXT],
    )
    expect(first).to_have_id(f"annotation-{annotation.pk}")
    expect(first.locator(".annotation-author")).to_have_text("newcomer")
    expect(page.locator("#thread-list > li.annotation")).to_have_count(1)
    expect(page.locator("#thread-empty")).to_be_hidden()  # the "no annotations yet" line is gone
    expect(page.locator("#annotation-count")).to_have_text("1")
    expect(page.locator("#id_quote")).to_have_value("")  # a fresh form for the next one
    expect(page.locator("#id_body")).to_have_value("")

    highlight = page.locator("#narrative a.passage")
    expect(highlight).to_have_count(1)
    expect(page.locator("#narrative p").nth(1).locator("a.passage mark")).to_have_text(PASSAGE)
    expect(highlight).to_have_attribute("href", f"/annotations/{annotation.pk}/")  # works from anywhere
    highlight.click()  # … and on the page, jumps to the annotation without a reload
    expect(page).to_have_url(re.compile(f"{re.escape(url)}#annotation-{annotation.pk}$"))

    to_passage = first.get_by_role("link", name="On the passage")
    expect(to_passage).to_have_attribute("href", f"#passage-{annotation.pk}")
    expect(page.locator(f"#narrative #passage-{annotation.pk}")).to_have_count(1)
    to_passage.click()
    expect(page).to_have_url(re.compile(f"{re.escape(url)}#passage-{annotation.pk}$"))
    assert page.evaluate("window.__marker") == 1, "posting the annotation reloaded the page"


def test_an_author_edits_then_deletes_an_annotation_in_place(page, contributor, other_contributor):
    scenario = make_annotated_scenario()
    url = scenario.get_absolute_url()
    other = Annotation.objects.create(
        scenario=scenario, author=other_contributor, body="Markets are fickle.", quote=OTHER_PASSAGE
    )
    mine = Annotation.objects.create(
        scenario=scenario, author=contributor, body="A first *draft* of a thought.", quote=PASSAGE
    )

    log_in(page, "contributor", "contributor-password", url)
    item = annotation_item(page, mine)
    expect(page.locator("#annotation-count")).to_have_text("2")
    expect(page.locator(f'#narrative a.passage[data-annotations="{mine.pk}"] mark')).to_have_text(PASSAGE)
    page.evaluate("window.__marker = 1")

    item.get_by_role("link", name="Edit").click()
    expect(item).to_have_class(re.compile(r"\bannotation--editing\b"))
    body = item.locator(f"#id_edit{mine.pk}_body")
    expect(body).to_have_value("A first *draft* of a thought.")
    body.fill("A second, **better** thought.")
    item.get_by_role("button", name="Save").click()

    expect(item).not_to_have_class(re.compile(r"\bannotation--editing\b"))
    expect(item.locator(".annotation-body")).to_have_text("A second, better thought.")
    expect(item.locator(".annotation-body strong")).to_have_text("better")
    expect(item.locator(".annotation-head")).to_contain_text("edited")
    expect(annotation_item(page, other).locator(".annotation-head")).not_to_contain_text("edited")

    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("link", name="Delete").click()

    expect(item).to_have_count(0)
    expect(page.locator("#annotation-count")).to_have_text("1")
    expect(page.locator(f'#narrative a.passage[data-annotations="{mine.pk}"]')).to_have_count(0)
    expect(page.locator(f"#passage-{mine.pk}")).to_have_count(0)
    expect(page.locator("#narrative mark")).to_have_text([OTHER_PASSAGE])
    expect(annotation_item(page, other)).to_be_visible()
    assert page.evaluate("window.__marker") == 1, "editing or deleting reloaded the page"
    assert not Annotation.objects.filter(pk=mine.pk).exists()


def test_an_invalid_annotation_shows_the_error_by_the_quote_and_keeps_the_text(page, contributor):
    scenario = make_annotated_scenario()
    url = scenario.get_absolute_url()

    log_in(page, "contributor", "contributor-password", url)
    page.evaluate("window.__marker = 1")
    page.locator("#id_quote").fill("words the narrative never says")
    page.locator("#id_body").fill("My careful thought, which took a while to write.")
    page.locator("#annotate").get_by_role("button", name="Post annotation").click()

    error = page.locator("#annotate #id_quote_error")
    expect(error).to_have_text(re.compile("These words are not in the scenario’s narrative"))
    expect(page.locator("#annotate #id_quote")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#annotate #id_quote")).to_have_attribute("aria-describedby", re.compile(r"\bid_quote_error\b"))
    expect(page.locator("#id_quote")).to_have_value("words the narrative never says")
    expect(page.locator("#id_body")).to_have_value("My careful thought, which took a while to write.")
    expect(page.locator("#annotate .errorlist")).to_have_count(1)  # only the quote is wrong

    expect(page.locator("#thread-list .annotation")).to_have_count(0)
    expect(page.locator("#thread-empty")).to_be_visible()
    expect(page.locator("#annotation-count")).to_have_text("0")
    assert page.evaluate("window.__marker") == 1, "the invalid post reloaded the page"
    assert not Annotation.objects.exists()


def test_an_editor_hides_an_annotation_from_the_scenario_page(page, browser, live_server, editor, contributor):
    scenario = make_annotated_scenario()
    url = scenario.get_absolute_url()
    annotation = Annotation.objects.create(
        scenario=scenario, author=contributor, body="Buy my miracle cure at once.", quote=PASSAGE
    )
    reason = "Advertising, not about the scenario"

    with another_context(browser, live_server) as anonymous:
        # Seen by everyone before: the anonymous page is now in the page cache.
        anonymous.goto(url)
        expect(annotation_item(anonymous, annotation)).to_contain_text("Buy my miracle cure")

        log_in(page, "editor", "editor-password", url)
        item = annotation_item(page, annotation)
        item.locator(f"#reason-{annotation.pk}").fill(reason)
        item.get_by_role("button", name="Hide").click()

        expect(item).to_have_class(re.compile(r"\bannotation--hidden\b"))
        expect(item.locator(".hidden-note")).to_have_text(
            f"Hidden by an editor: “{reason}”. Only its author and editors can see it."
        )
        expect(item.get_by_role("button", name="Show again")).to_be_visible()
        expect(item).to_contain_text("Buy my miracle cure")
        annotation.refresh_from_db()
        assert (annotation.state, annotation.moderation_reason) == (Annotation.State.HIDDEN, reason)

        anonymous.reload()
        expect(anonymous.get_by_role("heading", level=1)).to_have_text(scenario.title)
        expect(annotation_item(anonymous, annotation)).to_have_count(0)
        expect(anonymous.locator("#annotations")).not_to_contain_text("Buy my miracle cure")
        expect(anonymous.locator("#annotation-count")).to_have_text("0")
        expect(anonymous.locator("#narrative a.passage")).to_have_count(0)
        expect(anonymous.locator("#thread-empty")).to_be_visible()

    with another_context(browser, live_server) as author:
        log_in(author, "contributor", "contributor-password", url)
        mine = annotation_item(author, annotation)
        expect(mine).to_contain_text("Buy my miracle cure")
        expect(mine.locator(".hidden-note")).to_contain_text(f"Hidden by an editor: “{reason}”")
        expect(mine.get_by_role("button", name="Hide")).to_have_count(0)


def test_an_author_without_javascript_posts_edits_and_deletes_with_plain_pages(
    browser, live_server, transactional_db, contributor
):
    scenario = make_annotated_scenario()
    url = scenario.get_absolute_url()

    with another_context(browser, live_server, java_script_enabled=False) as page:
        log_in(page, "contributor", "contributor-password", url)
        expect(page.locator("#annotate-selection")).to_be_hidden()
        page.locator("#id_quote").fill(PASSAGE)  # copied by hand: no selection button without JavaScript
        page.locator("#id_body").fill("Written *without* scripts.")
        page.locator("#annotate").get_by_role("button", name="Post annotation").click()

        annotation = Annotation.objects.get(author=contributor)
        expect(page).to_have_url(re.compile(f"{re.escape(url)}#annotation-{annotation.pk}$"))
        expect(page.locator(".messages")).to_have_text("Your annotation is saved.")
        item = annotation_item(page, annotation)
        expect(item.locator(".annotation-body em")).to_have_text("without")
        expect(page.locator("#annotation-count")).to_have_text("1")
        expect(page.locator("#narrative a.passage mark")).to_have_text(PASSAGE)

        item.get_by_role("link", name="Edit").click()
        expect(page).to_have_url(re.compile(f"/annotations/{annotation.pk}/edit/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Edit your annotation")
        page.locator(f"#id_edit{annotation.pk}_body").fill("Rewritten, still without scripts.")
        page.get_by_role("button", name="Save").click()

        expect(page).to_have_url(re.compile(f"{re.escape(url)}#annotation-{annotation.pk}$"))
        expect(page.locator(".messages")).to_have_text("Your annotation is updated.")
        expect(item.locator(".annotation-body")).to_have_text("Rewritten, still without scripts.")
        expect(item.locator(".annotation-head")).to_contain_text("edited")

        item.get_by_role("link", name="Delete").click()
        expect(page).to_have_url(re.compile(f"/annotations/{annotation.pk}/delete/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Delete your annotation?")
        expect(page.locator(".thread-list")).to_contain_text("Rewritten, still without scripts.")
        page.get_by_role("button", name="Delete it").click()

        expect(page).to_have_url(re.compile(f"{re.escape(url)}#annotations$"))
        expect(page.locator(".messages")).to_have_text("Your annotation is deleted.")
        expect(item).to_have_count(0)
        expect(page.locator("#annotation-count")).to_have_text("0")
        expect(page.locator("#narrative a.passage")).to_have_count(0)
        expect(page.locator("#thread-empty")).to_be_visible()
        assert not Annotation.objects.exists()


def test_a_reader_loads_more_annotations_in_place(page, contributor):
    scenario = make_annotated_scenario()
    add_numbered(scenario, contributor, 25, lambda number: ("note", f"Annotation number {number}."))
    bodies = page.locator("#thread-list .annotation-body")
    more = page.get_by_role("link", name="Load more annotations")

    page.goto(scenario.get_absolute_url())
    expect(page.locator("#annotation-count")).to_have_text("25")
    expect(bodies).to_have_text([f"Annotation number {n}." for n in range(1, 21)])
    expect(more).to_be_visible()
    page.evaluate("window.__marker = 1")

    more.click()

    expect(bodies).to_have_text([f"Annotation number {n}." for n in range(1, 26)])
    expect(more).to_have_count(0)
    expect(page.locator("#thread-more")).to_have_count(0)
    expect(page.locator("#thread-list > li.annotation")).to_have_count(25)
    assert page.evaluate("window.__marker") == 1, "loading more reloaded the page"


def test_a_reader_filters_the_thread_in_place_and_the_address_keeps_the_filter(page, contributor):
    scenario = make_annotated_scenario()
    add_numbered(
        scenario,
        contributor,
        30,
        lambda number: ("question", f"Question number {number}.") if number % 2 else ("note", f"Note number {number}."),
    )
    bodies = page.locator("#thread-list .annotation-body")
    page.goto(scenario.get_absolute_url())
    page.evaluate("window.__marker = 1")

    page.locator("#thread-kind").select_option("question")
    expect(bodies).to_have_text([f"Question number {n}." for n in range(1, 31, 2)])
    expect(page).to_have_url(url_ending(f"{scenario.get_absolute_url()}?kind=question"))
    page.locator("#thread-order").select_option("oldest")
    expect(bodies.first).to_have_text("Question number 29.")
    expect(page).to_have_url(url_ending(f"{scenario.get_absolute_url()}?kind=question&order=oldest"))
    assert page.evaluate("window.__marker") == 1, "filtering reloaded the page"

    page.reload()  # the address is the state
    expect(page.locator("#thread-kind")).to_have_value("question")
    expect(bodies.first).to_have_text("Question number 29.")
    expect(bodies).to_have_count(15)


def test_the_thread_controls_answer_from_the_moment_they_are_shown(page, contributor):
    """A control swapped in by htmx listens at once: htmx's default 20 ms settle left a window
    in which a change was lost (a browser test hit it in CI)."""
    scenario = make_annotated_scenario()
    add_numbered(scenario, contributor, 4, lambda number: ("note", f"Note number {number}."))
    page.goto(scenario.get_absolute_url())
    # As soon as the filtered thread is in the page (before any timer htmx set can run),
    # choose "oldest first" in the new form.
    page.evaluate(
        """() => new MutationObserver((changes, observer) => {
            const order = document.querySelector("#thread-order");
            if (!order || order.value !== "newest" || !document.querySelector("#thread-kind").value) return;
            observer.disconnect();
            setTimeout(() => {
                order.value = "oldest";
                order.dispatchEvent(new Event("change", {bubbles: true}));
            }, 0);
        }).observe(document.querySelector("#annotations"), {childList: true, subtree: true})"""
    )
    page.locator("#thread-kind").select_option("note")
    expect(page.locator("#thread-list .annotation-body").first).to_have_text("Note number 4.")
    expect(page).to_have_url(url_ending(f"{scenario.get_absolute_url()}?kind=note&order=oldest"))


def test_the_first_annotation_replaces_the_empty_thread_line_when_there_is_an_editors_note(page, editor, contributor):
    scenario = make_annotated_scenario()
    Annotation.objects.create(
        scenario=scenario, author=editor, kind=Annotation.Kind.EDITORS_NOTE, body="Some context from the editors."
    )

    log_in(page, "contributor", "contributor-password", scenario.get_absolute_url())
    expect(page.locator("#editors-notes-list .annotation")).to_have_count(1)
    expect(page.locator("#thread-empty")).to_be_visible()
    page.locator("#id_body").fill("The first note in the thread.")
    page.locator("#annotate").get_by_role("button", name="Post annotation").click()

    expect(page.locator("#thread-list .annotation-body")).to_have_text(["The first note in the thread."])
    expect(page.locator("#annotation-count")).to_have_text("2")
    expect(page.locator("#thread-empty")).to_be_hidden()


def test_other_highlights_still_jump_within_the_page_after_posting_and_deleting_in_place(
    page, contributor, other_contributor
):
    scenario = make_annotated_scenario()
    url = scenario.get_absolute_url()
    other = Annotation.objects.create(
        scenario=scenario, author=other_contributor, body="Markets are fickle.", quote=OTHER_PASSAGE
    )
    others_highlight = page.locator("#narrative a.passage").filter(has_text=OTHER_PASSAGE)

    log_in(page, "contributor", "contributor-password", url)
    page.evaluate("window.__marker = 1")
    page.locator("#id_quote").fill(PASSAGE)
    page.locator("#id_body").fill("A note on another passage.")
    page.locator("#annotate").get_by_role("button", name="Post annotation").click()
    expect(page.locator("#narrative a.passage")).to_have_count(2)
    mine = Annotation.objects.get(author=contributor)
    others_highlight.click()
    expect(page).to_have_url(re.compile(f"{re.escape(url)}#annotation-{other.pk}$"))

    page.once("dialog", lambda dialog: dialog.accept())
    annotation_item(page, mine).get_by_role("link", name="Delete").click()
    expect(page.locator("#narrative a.passage")).to_have_count(1)
    page.evaluate("window.location.hash = ''")
    others_highlight.click()
    expect(page).to_have_url(re.compile(f"{re.escape(url)}#annotation-{other.pk}$"))
    assert page.evaluate("window.__marker") == 1, "a highlight reloaded the page"
