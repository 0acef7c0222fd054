"""A reader compares scenarios side by side: rows that line up, columns added and removed in place, phones."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from diplomacy.scenarios.comparison import query
from diplomacy.scenarios.models import Scenario
from tests.factories import make_factor, make_influence, make_scenario, make_topic

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(tempfile.gettempdir())  # compare-*.png, to look at after a change to the page

PARAGRAPH = (
    "Envoys meet quietly in a neutral capital and agree to keep talking; each side tests whether the other "
    "will trade something it values for something it needs, and the press reads every gesture."
)


@pytest.fixture
def page_without_javascript(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def make_world(outcomes) -> dict[str, list[Scenario]]:
    """Two topics with a scenario per outcome, texts of different lengths (so that rows must stretch to
    line up), and factors: one acting on every arms-control scenario, others on a few."""
    world = {}
    for order, (title, slug) in enumerate([("Arms control", "arms-control"), ("Sanctions", "sanctions")], start=1):
        topic = make_topic(title=title, slug=slug, order=order)
        world[slug] = [
            make_scenario(
                topic=topic,
                outcome=outcome,
                slug=outcome.slug,
                title=f"{title}: {outcome.name.lower()}",
                narrative="\n\n".join([" ".join([PARAGRAPH] * (1 + n % 3)), PARAGRAPH]),
                signposts="\n".join(f"Sign {k} that {outcome.name.lower()} is coming" for k in range(2 + n)),
                implications="Markets notice. " * (3 + 4 * (n % 2)),
                likelihood=[40, 30, 20, 10][n],
                likelihood_rationale="An illustrative guess from the article's tone." if n != 2 else "",
            )
            for n, outcome in enumerate(outcomes)
        ]
    verification = make_factor(name="Verification and inspections", order=1)
    politics = make_factor(name="Domestic politics in Washington", order=2)
    energy = make_factor(name="Energy prices", order=3)
    for strength, scenario in zip([2, 1, -1, -2], world["arms-control"], strict=True):
        make_influence(scenario, factor=verification, strength=strength, reason="Inspectors can check the limits.")
    make_influence(world["arms-control"][0], factor=politics, strength=-1, reason="The Senate must ratify any treaty.")
    make_influence(world["sanctions"][1], factor=politics, strength=1, reason="Relief needs Congress to agree.")
    make_influence(world["sanctions"][1], factor=energy, strength=2, reason="Oil revenue funds the budget.")
    return world


def address(*scenarios: Scenario) -> str:
    return "/compare/" + query([s.ref for s in scenarios])


def canonical_url(*scenarios: Scenario):
    return re.compile(re.escape(address(*scenarios)) + "$")


def box(locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not laid out"
    return found


def column_titles(page) -> list[str]:
    return page.locator("th.compare-col .compare-title").all_inner_texts()


def screenshot(page, name: str) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=SCREENSHOTS / f"compare-{name}-{scheme}.png", full_page=True)
    page.emulate_media(color_scheme="light")


def test_on_a_wide_screen_every_row_lines_up_across_the_columns_in_outcome_order(page, outcomes):
    world = make_world(outcomes)
    arms, sanctions = world["arms-control"], world["sanctions"]
    page.set_viewport_size(DESKTOP)

    # Asked in any order (the current scenario last, as scenario pages link), shown topic by topic, best outcome first.
    page.goto(address(sanctions[1], arms[2], arms[0]))
    expect(page.locator("link[rel=canonical]")).to_have_attribute(
        "href", re.compile(re.escape(address(arms[0], arms[2], sanctions[1])) + "$")
    )
    expect(page.locator("th.compare-col")).to_have_count(3)
    assert column_titles(page) == [arms[0].title, arms[2].title, sanctions[1].title]

    rows = page.locator(".compare-table tr")
    assert rows.count() == 1 + 5 + 1 + 3  # headers, five parts, "what pushes them", three factors
    for index in range(rows.count()):
        cells = rows.nth(index).locator(":scope > th, :scope > td")
        tops = {round(box(cells.nth(i))["y"]) for i in range(cells.count())}
        heights = {round(box(cells.nth(i))["height"]) for i in range(cells.count())}
        assert len(tops) == 1 and len(heights) == 1, f"row {index} does not line up: {tops}, {heights}"
    # The columns share the width; nothing scrolls sideways when they fit.
    widths = {round(box(header)["width"]) for header in page.locator("th.compare-col").all()}
    assert len(widths) == 1
    scroller = page.locator(".compare-scroll")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth")
    expect(page.locator(".compare-scroll-hint")).to_be_hidden()

    # A factor acting on two of them is one row, with its push on each and a dash where it does not act.
    politics = page.locator(".compare-table tr").filter(
        has=page.get_by_role("rowheader", name="Domestic politics in Washington")
    )
    expect(politics).to_have_count(1)
    expect(politics.locator("td")).to_have_text(
        [
            re.compile(r"▼\s*pushes down\s*The Senate"),
            re.compile("—"),
            re.compile(r"▲\s*pushes up\s*Relief needs Congress"),
        ]
    )
    screenshot(page, "1280")


def test_a_reader_removes_and_adds_columns_in_place_and_the_address_follows(page, outcomes):
    world = make_world(outcomes)
    arms, sanctions = world["arms-control"], world["sanctions"]
    page.set_viewport_size(DESKTOP)
    page.goto(address(arms[0], arms[1], arms[3]))
    page.evaluate("window.__marker = 1")

    page.locator("th.compare-col").filter(has_text=arms[1].title).get_by_role("link", name="Remove").click()
    expect(page).to_have_url(canonical_url(arms[0], arms[3]))
    expect(page.locator("th.compare-col")).to_have_count(2)
    assert column_titles(page) == [arms[0].title, arms[3].title]
    expect(page).to_have_title(re.compile(f"^Compare: {re.escape(arms[0].title)} · {re.escape(arms[3].title)} — "))

    # The other outcomes of the topic are one click away, and land in their place.
    page.locator(".compare-add").get_by_role("link", name=re.compile(re.escape(arms[2].title))).click()
    expect(page).to_have_url(canonical_url(arms[0], arms[2], arms[3]))
    assert column_titles(page) == [arms[0].title, arms[2].title, arms[3].title]

    # Any other scenario from the menu; at four, there is nothing more to add.
    page.get_by_label("Or any scenario").select_option(sanctions[1].ref)
    page.get_by_role("button", name="Add").click()
    expect(page).to_have_url(canonical_url(arms[0], arms[2], arms[3], sanctions[1]))
    expect(page.locator("th.compare-col")).to_have_count(4)
    expect(page.locator(".compare-add")).to_have_count(0)
    expect(page.locator(".compare-full")).to_contain_text("remove one to add another")
    assert page.evaluate("window.__marker") == 1, "adding or removing reloaded the whole page"

    # "Copy link" follows what is on screen.
    expect(page.get_by_role("link", name="Copy link")).to_have_attribute(
        "href", re.compile(re.escape(address(arms[0], arms[2], arms[3], sanctions[1])) + "$")
    )
    # Back goes to the comparison before.
    page.go_back()
    expect(page).to_have_url(canonical_url(arms[0], arms[2], arms[3]))
    expect(page.locator("th.compare-col")).to_have_count(3)


def test_without_javascript_remove_and_add_are_plain_links_and_a_form(page_without_javascript, outcomes):
    world = make_world(outcomes)
    arms, sanctions = world["arms-control"], world["sanctions"]
    page = page_without_javascript
    page.goto(address(arms[0], arms[1]))

    page.locator("th.compare-col").filter(has_text=arms[0].title).get_by_role("link", name="Remove").click()
    expect(page).to_have_url(canonical_url(arms[1]))
    expect(page.locator(".notice")).to_contain_text("Pick at least two scenarios to compare")

    page.get_by_label("Or any scenario").select_option(sanctions[0].ref)
    page.get_by_role("button", name="Add").click()
    expect(page).to_have_url(re.compile(r"/compare/\?s=arms-control%2Flimited-agreement&s=sanctions%2Fbreakthrough$"))
    assert column_titles(page) == [arms[1].title, sanctions[0].title]


def test_on_a_phone_the_columns_scroll_sideways_while_the_row_labels_stay(page, outcomes):
    world = make_world(outcomes)
    arms, sanctions = world["arms-control"], world["sanctions"]
    page.set_viewport_size(PHONE)
    page.goto(address(arms[0], arms[1], sanctions[1]))

    scroller = page.locator(".compare-scroll")
    label = page.get_by_role("rowheader", name="Signposts")
    first, second = page.locator("th.compare-col").nth(0), page.locator("th.compare-col").nth(1)
    # The page itself does not scroll sideways; the table does, inside its frame, and says so.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth + 200")
    expect(page.locator(".compare-scroll-hint")).to_be_visible()
    # Columns stand side by side (not stacked), and the next one peeks in at the edge.
    assert box(first)["y"] == box(second)["y"]
    assert box(second)["x"] < PHONE["width"] - 24
    assert box(label)["x"] + box(label)["width"] <= box(first)["x"] + 1
    screenshot(page, "390")

    label.hover()  # brings the table into view
    before = box(label)
    first_before = box(first)
    # A sideways wheel (or swipe) scrolls the table. It scrolls smoothly, so wait; wait_for_function
    # would evaluate a string, which the Content-Security-Policy forbids.
    for attempt in range(40):
        if scroller.evaluate("el => el.scrollLeft") > 300:
            break
        if attempt % 10 == 0:
            page.mouse.wheel(400, 0)
        page.wait_for_timeout(50)
    after = box(label)
    assert (after["x"], after["y"]) == (before["x"], before["y"]), "the row labels scrolled away"
    assert box(first)["x"] < first_before["x"] - 300
    # The label is on top of the cells sliding under it, not hidden by them.
    centre = (after["x"] + after["width"] / 2, after["y"] + after["height"] / 2)
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('th')?.textContent.trim()", centre) == (
        "Signposts"
    )
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=SCREENSHOTS / "compare-390-scrolled-dark.png")
