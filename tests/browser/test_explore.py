"""A reader finds scenarios: the home matrix, the explorer (with and without JavaScript), comparing, sharing."""

import re

import pytest
from playwright.sync_api import expect

from diplomacy.scenarios.models import Scenario
from tests.factories import make_scenario, make_topic, make_topic_with_scenarios

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def page_without_javascript(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def make_world(outcomes):
    """Two published topics, each with one scenario per outcome; one arms-control scenario mentions a prisoner swap."""
    arms = make_topic(title="Arms control", slug="arms-control", order=1)
    sanctions = make_topic(title="Sanctions", slug="sanctions", order=2)
    for topic in (arms, sanctions):
        for outcome in outcomes:
            make_scenario(
                topic=topic,
                outcome=outcome,
                title=f"{topic.title}: {outcome.name}",
                slug=outcome.slug,
                narrative=f"How {outcome.name.lower()} on {topic.title.lower()} could come about.",
                likelihood=25,
            )
    swap = Scenario.objects.get(topic=arms, outcome=outcomes[1])
    swap.narrative = "Both leaders agree to a prisoner exchange as a first step."
    swap.save()
    # The same word in another topic: the topic filter, not the search alone, must keep it out.
    other = Scenario.objects.get(topic=sanctions, outcome=outcomes[2])
    other.narrative = "A prisoner is released but sanctions stay."
    other.save()
    return arms, sanctions


def result_titles(topic, outcomes):
    return [f"{topic.title}: {outcome.name}" for outcome in outcomes]


def test_a_reader_goes_from_a_matrix_cell_on_the_home_page_to_its_scenario(page, outcomes):
    make_topic_with_scenarios(outcomes, title="Arms control", order=1)
    topic = make_topic_with_scenarios(outcomes, title="Sanctions", order=2)
    scenario = Scenario.objects.get(topic=topic, outcome=outcomes[2])

    page.goto("/")
    row = page.locator(".matrix tbody tr").filter(has=page.get_by_role("rowheader", name="Sanctions"))
    # The columns follow the outcomes; the first cell of a row is its header.
    cell = row.locator("td").nth(2)
    expect(page.locator(".matrix thead th").nth(3)).to_have_text(outcomes[2].name)
    expect(cell.locator(".cell-title")).to_have_text(scenario.title)
    cell.get_by_role("link").click()

    expect(page).to_have_url(re.compile(f"{re.escape(scenario.get_absolute_url())}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(scenario.title)
    expect(page.locator(".breadcrumbs")).to_contain_text("Sanctions")


def test_a_reader_filters_and_searches_the_explorer_in_place_and_the_address_keeps_up(page, outcomes):
    arms, _ = make_world(outcomes)
    heading = page.locator("#results-heading")
    titles = page.locator("#results .result h3")
    topic_box = page.locator("form.filters").get_by_role("checkbox", name="Arms control")
    search = page.locator("#id_q")

    page.goto("/scenarios/")
    expect(heading).to_have_text("8 scenarios")
    page.evaluate("window.__marker = 1")

    topic_box.check()
    expect(page).to_have_url(re.compile(r"/scenarios/\?topic=arms-control$"))
    expect(heading).to_have_text("4 scenarios")
    expect(titles).to_have_text(result_titles(arms, outcomes))
    assert page.evaluate("window.__marker") == 1, "ticking a topic reloaded the whole page"

    search.fill("prisoner")
    expect(page).to_have_url(re.compile(r"/scenarios/\?q=prisoner&topic=arms-control$"))
    expect(heading).to_have_text("1 scenario matching “prisoner”")
    expect(titles).to_have_text([f"Arms control: {outcomes[1].name}"])
    expect(page.locator("#results .result .excerpt mark")).to_have_text("prisoner")
    assert page.evaluate("window.__marker") == 1, "searching reloaded the whole page"
    searched_url = page.url

    page.reload()
    expect(page).to_have_url(searched_url)
    assert page.evaluate("window.__marker") is None, "the reload did not load the page afresh"
    expect(topic_box).to_be_checked()
    expect(search).to_have_value("prisoner")
    expect(heading).to_have_text("1 scenario matching “prisoner”")
    expect(titles).to_have_text([f"Arms control: {outcomes[1].name}"])
    expect(page.locator("#results .result .excerpt mark")).to_have_text("prisoner")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/scenarios/\?topic=arms-control$"))
    expect(topic_box).to_be_checked()
    expect(search).to_have_value("")
    expect(heading).to_have_text("4 scenarios")
    expect(titles).to_have_text(result_titles(arms, outcomes))
    expect(page.locator("#results mark")).to_have_count(0)


def test_a_reader_searching_in_the_explorer_sees_the_best_matches_first_at_a_tidy_address(page, outcomes):
    _, sanctions = make_world(outcomes)
    titled = Scenario.objects.get(topic=sanctions, outcome=outcomes[2])
    titled.title = "Sanctions: an exchange of envoys"
    titled.save()

    page.goto("/scenarios/")
    page.locator("#id_q").fill("exchange")

    expect(page.locator("#results-heading")).to_have_text("2 scenarios matching “exchange”")
    # A match in the title ranks above one in the narrative only, whatever the topics' order.
    expect(page.locator("#results .result h3")).to_have_text([titled.title, f"Arms control: {outcomes[1].name}"])
    expect(page).to_have_url(re.compile(r"/scenarios/\?q=exchange$"))


def test_a_reader_without_javascript_filters_the_explorer_with_a_plain_form(page_without_javascript, outcomes):
    _, sanctions = make_world(outcomes)
    page = page_without_javascript
    page.goto("/scenarios/")
    expect(page.locator("#results-heading")).to_have_text("8 scenarios")

    page.locator("form.filters").get_by_role("checkbox", name="Sanctions").check()
    page.get_by_role("button", name="Show scenarios").click()

    # A plain GET of the whole form: every field is in the address, empty ones too.
    expect(page).to_have_url(re.compile(r"/scenarios/\?q=&topic=sanctions&min=&max=&sort=relevance$"))
    expect(page.locator("#results-heading")).to_have_text("4 scenarios")
    expect(page.locator("#results .result h3")).to_have_text(result_titles(sanctions, outcomes))
    expect(page.locator("form.filters").get_by_role("checkbox", name="Sanctions")).to_be_checked()
    expect(page.locator("form.filters").get_by_role("checkbox", name="Arms control")).not_to_be_checked()


def test_a_reader_compares_two_scenarios_picked_in_the_explorer(page, outcomes):
    arms, sanctions = make_world(outcomes)
    first = Scenario.objects.get(topic=arms, outcome=outcomes[0])
    second = Scenario.objects.get(topic=sanctions, outcome=outcomes[3])

    page.goto("/scenarios/")
    for scenario in (first, second):
        result = page.locator("#results .result").filter(has=page.get_by_role("link", name=scenario.title, exact=True))
        result.get_by_role("checkbox", name="Compare").check()
    page.get_by_role("button", name="Compare selected").click()

    expect(page).to_have_url(re.compile(r"/compare/\?s=arms-control%2Fbreakthrough&s=sanctions%2Fworsened-relations$"))
    columns = page.locator(".compare-col")
    expect(columns).to_have_count(2)
    expect(columns).to_contain_text([first.title, second.title])
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare scenarios")


def top_of(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not laid out"
    return box["y"]


def test_on_a_phone_the_results_come_first_and_the_filters_open_from_a_fold(page, outcomes):
    arms, _ = make_world(outcomes)
    page.set_viewport_size(PHONE)
    fold = page.locator("details.filters-fold")
    summary = fold.locator("summary")
    filters = page.locator("form.filters")
    heading = page.locator("#results-heading")

    page.goto("/scenarios/")
    assert top_of(page.locator("#results .result").first) < PHONE["height"], "the first result is below the fold"
    expect(summary).to_have_text("Filter and sort")
    assert top_of(summary) < top_of(page.locator("#results"))
    expect(filters).to_be_hidden()

    summary.click()
    filters.get_by_role("checkbox", name="Arms control").check()
    expect(page).to_have_url(re.compile(r"/scenarios/\?topic=arms-control$"))
    expect(heading).to_have_text("4 scenarios")
    expect(page.locator("#results .result h3")).to_have_text(result_titles(arms, outcomes))
    # The swap replaced the results only: the fold stays open, and its summary keeps count.
    expect(filters).to_be_visible()
    expect(summary).to_have_text("Filter and sort (1 filter)")
    expect(page.locator("#results .applied")).to_contain_text("Topic: Arms control")

    filters.get_by_label("Sort by").select_option("likelihood")
    expect(summary).to_have_text("Filter and sort (1 filter, most likely first)")
    summary.click()
    expect(filters).to_be_hidden()

    # The compare picks in the swapped-in results still belong to their form.
    picked = Scenario.objects.get(topic=arms, outcome=outcomes[0])
    other = Scenario.objects.get(topic=arms, outcome=outcomes[2])
    for scenario in (picked, other):
        result = page.locator("#results .result").filter(has=page.get_by_role("link", name=scenario.title, exact=True))
        result.get_by_role("checkbox", name="Compare").check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page).to_have_url(re.compile(r"/compare/\?s=arms-control%2Fbreakthrough&s=arms-control%2Fno-agreement$"))


def test_on_a_phone_without_javascript_the_fold_opens_and_the_form_submits(page_without_javascript, outcomes):
    _, sanctions = make_world(outcomes)
    page = page_without_javascript
    page.set_viewport_size(PHONE)
    summary = page.locator("details.filters-fold summary")
    filters = page.locator("form.filters")

    page.goto("/scenarios/")
    assert top_of(page.locator("#results .result").first) < PHONE["height"], "the first result is below the fold"
    expect(filters).to_be_hidden()

    summary.click()
    filters.get_by_role("checkbox", name="Sanctions").check()
    filters.get_by_label("From").fill("20")
    filters.get_by_role("button", name="Show scenarios").click()

    expect(page).to_have_url(re.compile(r"/scenarios/\?q=&topic=sanctions&min=20&max=&sort=relevance$"))
    expect(page.locator("#results-heading")).to_have_text("4 scenarios")
    expect(page.locator("#results .result h3")).to_have_text(result_titles(sanctions, outcomes))
    # A new page: the fold is closed again, the results come first, and both say what is applied.
    expect(filters).to_be_hidden()
    assert top_of(page.locator("#results .result").first) < PHONE["height"]
    expect(summary).to_have_text("Filter and sort (2 filters)")
    expect(page.locator("#results .applied")).to_contain_text("Topic: Sanctions")
    expect(page.locator("#results .applied")).to_contain_text("Likelihood at least 20")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_on_a_wide_screen_the_filters_stand_beside_the_results(
    browser, live_server, transactional_db, outcomes, javascript
):
    make_world(outcomes)
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/scenarios/?topic=sanctions")
        filters = page.locator("form.filters")
        results = page.locator("#results")

        expect(filters).to_be_visible()
        expect(page.locator("details.filters-fold summary")).to_be_hidden()
        expect(filters.get_by_role("checkbox", name="Sanctions")).to_be_checked()
        beside, result = filters.bounding_box(), results.bounding_box()
        assert beside is not None and result is not None
        assert beside["x"] + beside["width"] < result["x"], "the filters are not to the left of the results"
        assert abs(beside["y"] - result["y"]) < 5, "the filters and the results do not start level"
        assert top_of(page.locator("#results .result").first) < DESKTOP["height"] / 2
    finally:
        context.close()


def test_a_reader_copies_a_topic_link_to_the_clipboard(page, live_server, outcomes):
    topic = make_topic_with_scenarios(outcomes, title="Arms control")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto(topic.get_absolute_url())
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical.endswith(topic.get_absolute_url())
    page.get_by_role("link", name="Copy link").click()

    expect(page.locator("#toast")).to_have_text(f"Link copied: {canonical}")
    assert page.evaluate("navigator.clipboard.readText()") == canonical
    expect(page).to_have_url(re.compile(f"{re.escape(topic.get_absolute_url())}$"))
