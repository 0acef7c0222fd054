"""On wide screens the annotations sit in a margin beside the narrative, and the form opens there."""

import re

import pytest
from playwright.sync_api import expect

from diplomacy.annotations.models import Annotation
from tests.browser.test_annotations import OTHER_PASSAGE, PASSAGE, log_in, make_annotated_scenario, select_words

pytestmark = pytest.mark.browser

NEW_PASSAGE = "the markets rise the next morning"  # in the third paragraph, after OTHER_PASSAGE


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def preview_shown(page, selector: str) -> str:
    """The tooltip's text: what the highlight's ::after shows, or "none"."""
    return page.locator(selector).first.evaluate("el => getComputedStyle(el, '::after').content")


def annotated(contributor, other_contributor):
    scenario = make_annotated_scenario()
    first = Annotation.objects.create(
        scenario=scenario,
        author=contributor,
        kind=Annotation.Kind.EVIDENCE,
        body="A year is not enough to rebuild trust.\n\nMore below.",
        quote=PASSAGE,
    )
    second = Annotation.objects.create(
        scenario=scenario, author=other_contributor, body="Markets are fickle.", quote=OTHER_PASSAGE
    )
    return scenario, first, second


def annotate_selection(page) -> None:
    """Click "Annotate this passage" once it shows. (Clicking while it is still hidden makes Playwright
    retry, and its later tries scroll the button to the top of the window, which is not the page's doing.)"""
    button = page.locator("#annotate-selection")
    expect(button).to_be_visible()
    button.click()


def show_narrative(page) -> None:
    page.evaluate("window.scrollTo(0, document.getElementById('narrative').getBoundingClientRect().top + scrollY - 80)")


def test_a_wide_screen_shows_a_card_beside_each_annotated_passage(page, contributor, other_contributor):
    scenario, first, second = annotated(contributor, other_contributor)
    page.goto(scenario.get_absolute_url())

    cards = page.locator(".annotation-margin .margin-card")
    expect(cards).to_have_count(2)
    narrative = box(page, "#narrative p")
    previous_bottom = 0
    for annotation, card in ((first, cards.nth(0)), (second, cards.nth(1))):
        passage = box(page, f'#narrative a.passage[data-annotations="{annotation.pk}"]')
        where = card.bounding_box()
        assert where["x"] > narrative["x"] + narrative["width"], "the card is not to the right of the text"
        assert abs(where["y"] - passage["y"]) < 40, "the card is not level with its passage"
        assert where["y"] >= previous_bottom, "the cards overlap"
        previous_bottom = where["y"] + where["height"]
        expect(card).to_have_attribute("href", f"#annotation-{annotation.pk}")
    expect(cards.nth(0)).to_contain_text("Evidence · contributor")
    expect(cards.nth(0)).to_contain_text("A year is not enough to rebuild trust.")
    expect(cards.nth(0)).not_to_contain_text("More below")
    expect(cards.nth(1)).to_contain_text("Note · other")

    # Hovering a passage previews its annotation and lights up its card, and the other way round.
    passage = f'#narrative a.passage[data-annotations="{first.pk}"]'
    assert preview_shown(page, passage) == "none"
    page.locator(passage).hover()
    assert "Evidence · contributor: A year is not enough to rebuild trust." in preview_shown(page, passage)
    expect(cards.nth(0)).to_have_class(re.compile(r"\bmargin-card--active\b"))
    expect(cards.nth(1)).not_to_have_class(re.compile(r"\bmargin-card--active\b"))
    cards.nth(1).hover()
    expect(page.locator(f'#narrative a.passage[data-annotations="{second.pk}"]')).to_have_class(
        re.compile(r"\bpassage--active\b")
    )
    expect(page.locator(passage)).not_to_have_class(re.compile(r"\bpassage--active\b"))

    # A card leads to its annotation in the thread.
    cards.nth(1).click()
    expect(page).to_have_url(re.compile(f"#annotation-{second.pk}$"))


def test_a_card_counts_the_annotations_sharing_its_passage(page, contributor, other_contributor):
    scenario, _, _ = annotated(contributor, other_contributor)
    Annotation.objects.create(scenario=scenario, author=other_contributor, body="Why a year?", quote="inspection")
    page.goto(scenario.get_absolute_url())

    cards = page.locator(".annotation-margin .margin-card")
    expect(cards).to_have_count(2)  # the overlapping one shares the first card
    expect(cards.nth(0)).to_contain_text("+1 more")
    expect(cards.nth(1)).not_to_contain_text("more")
    shared = '#narrative a.passage[data-count="2"]'
    page.locator(shared).hover()
    assert preview_shown(page, shared).startswith('"2 annotations')


def test_selecting_words_opens_the_form_in_the_margin_beside_them(page, contributor, other_contributor):
    scenario, _, _ = annotated(contributor, other_contributor)
    url = scenario.get_absolute_url()
    log_in(page, "contributor", "contributor-password", url)
    show_narrative(page)
    page.evaluate("window.__marker = 1")
    scrolled = page.evaluate("window.scrollY")

    select_words(page, 2, NEW_PASSAGE)
    selection_top = page.evaluate("getSelection().getRangeAt(0).getBoundingClientRect().top")
    annotate_selection(page)

    form = page.locator(".annotation-margin #annotate")
    expect(form).to_be_visible()
    expect(page.locator("#id_quote")).to_have_value(NEW_PASSAGE)
    expect(page.locator("#id_body")).to_be_focused()
    assert abs(form.bounding_box()["y"] - selection_top) < 100, "the form is not beside the words"
    assert form.bounding_box()["x"] > box(page, "#narrative p")["x"] + box(page, "#narrative p")["width"]
    assert page.evaluate("window.scrollY") == scrolled, "opening the form scrolled the page"

    # A post that fails keeps the form in the margin, with its error.
    page.locator("#id_body").fill("Markets price the deal, not the treaty.")
    page.locator("#id_quote").fill("words the narrative never says")
    form.get_by_role("button", name="Post annotation").click()
    expect(page.locator(".annotation-margin #annotate #id_quote_error")).to_be_visible()
    expect(page.locator("#id_body")).to_have_value("Markets price the deal, not the treaty.")

    page.locator("#id_quote").fill(NEW_PASSAGE)
    page.locator(".annotation-margin #annotate").get_by_role("button", name="Post annotation").click()

    cards = page.locator(".annotation-margin .margin-card")
    expect(cards).to_have_count(3)
    mine = Annotation.objects.get(body="Markets price the deal, not the treaty.")
    expect(page.locator(f'#narrative a.passage[data-annotations="{mine.pk}"] mark')).to_have_text(NEW_PASSAGE)
    expect(page.locator(f'.margin-card[data-annotation="{mine.pk}"]')).to_contain_text(
        "Markets price the deal, not the treaty."
    )
    # The form is back in its place below, fresh, and the margin holds only cards.
    expect(page.locator("#annotations > #annotate")).to_have_count(1)
    expect(page.locator(".annotation-margin #annotate")).to_have_count(0)
    expect(page.locator("#id_body")).to_have_value("")
    assert page.evaluate("window.__marker") == 1, "posting reloaded the page"


def test_cancel_puts_the_form_back_below_the_text(page, contributor, other_contributor):
    scenario, _, _ = annotated(contributor, other_contributor)
    log_in(page, "contributor", "contributor-password", scenario.get_absolute_url())
    show_narrative(page)

    select_words(page, 2, NEW_PASSAGE)
    annotate_selection(page)
    expect(page.locator(".annotation-margin #annotate")).to_be_visible()
    page.locator(".annotation-margin").get_by_role("button", name="Cancel").click()

    expect(page.locator("#annotations > #annotate")).to_have_count(1)
    expect(page.locator(".margin-form")).to_be_hidden()
    expect(page.locator("#id_quote")).to_have_value("")


def test_a_narrow_screen_keeps_the_thread_and_the_form_below_the_text(page, contributor, other_contributor):
    scenario, _, _ = annotated(contributor, other_contributor)
    log_in(page, "contributor", "contributor-password", scenario.get_absolute_url())
    expect(page.locator(".annotation-margin .margin-card")).to_have_count(2)

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator(".annotation-margin")).to_have_count(0)
    expect(page.locator(".narrative-layout")).not_to_have_class(re.compile(r"\bmargin-on\b"))
    show_narrative(page)
    scrolled = page.evaluate("window.scrollY")
    passage = '#narrative a.passage[data-count="1"]'
    page.locator(passage).first.hover()
    assert "Evidence · contributor" in preview_shown(page, passage)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the preview runs off the screen"

    select_words(page, 2, NEW_PASSAGE)
    annotate_selection(page)
    expect(page.locator("#annotations > #annotate")).to_have_count(1)
    expect(page.locator("#id_quote")).to_have_value(NEW_PASSAGE)
    expect(page.locator("#id_body")).to_be_focused()
    # Down to the form, as before (smoothly: wait for it; the policy forbids wait_for_function's eval).
    for _ in range(50):
        if page.evaluate("window.scrollY") > scrolled + 300:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.scrollY") > scrolled + 300, "the page did not scroll down to the form"

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".annotation-margin .margin-card")).to_have_count(2)
