"""A topic's history: the chart and its table on topic and scenario pages, and the CSV to take away."""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diplomacy.core.site import site_url
from diplomacy.timeline.history import NO_EDITOR
from tests.factories import make_scenario, make_topic_with_scenarios
from tests.html_check import check, describe, java_or_skip
from tests.inline import inline_code
from tests.timeline.factories import make_development, make_mark, make_revision, make_signpost
from tests.utils import count_queries

pytestmark = pytest.mark.django_db
D = datetime.date
SVG = "{http://www.w3.org/2000/svg}"
OUTCOMES = ["Breakthrough", "Limited agreement", "No agreement", "Worsened relations"]


@pytest.fixture
def topic(outcomes):
    return make_topic_with_scenarios(outcomes, title="Arms control", slug="arms")


@pytest.fixture
def scenarios(topic):
    return list(topic.scenarios.order_by("outcome__order"))


@pytest.fixture
def history(topic, editor):
    """Three revisions over two months: the first by no editor, the second prompted by a published
    development, the third by a draft one."""
    talks = make_development(topic, title="Talks announced", happened_on=D(2025, 2, 10))
    draft = make_development(topic, title="A secret draft", happened_on=D(2025, 3, 10), is_published=False)
    make_revision(topic, [10, 30, 40, 20], as_of=D(2025, 1, 15), reason="A first look.")
    make_revision(
        topic, [20, 30, 30, 20], as_of=D(2025, 2, 11), reason="Talks are set.", development=talks, editor=editor
    )
    make_revision(
        topic, [15, 35, 30, 20], as_of=D(2025, 3, 11), reason="Quietly worse.", development=draft, editor=editor
    )
    return talks, draft


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.text


def chart(html: str) -> ET.Element:
    """The chart's SVG, parsed as XML: it must be well-formed on its own."""
    found = re.search(r'<svg class="chart".*?</svg>', html, re.S)
    assert found, "no chart on the page"
    return ET.fromstring(found.group(0))


def table(html: str) -> str:
    found = re.search(r'<details class="chart-table">.*?</details>', html, re.S)
    assert found, "no table of revisions on the page"
    return found.group(0)


def rows(html: str) -> list[list[str]]:
    """The table's body, as the text of each cell."""
    body = table(html).split("<tbody>")[1]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return [
        [" ".join(unescape(re.sub(r"<[^>]+>", "", cell)).replace("\u2009", "").split()) for cell in row]
        for row in cells
    ]


# The chart on the topic page


def test_the_topic_page_draws_a_step_line_per_outcome_and_a_dot_per_revision(client, topic, history):
    svg = chart(page(client, topic.get_absolute_url()))
    series = svg.findall(f".//{SVG}g[@class]")
    lines = [g for g in series if "chart-series" in g.get("class", "")]
    assert [g.get("class") for g in lines] == [f"chart-series series-{n}" for n in range(1, 5)]
    for line in lines:
        (polyline,) = line.findall(f"{SVG}polyline")
        assert len(polyline.get("points").split()) == 2 * 3  # a run and a move per revision
        assert len(line.findall(f"{SVG}circle")) == 3  # one dot per revision


def test_the_chart_is_an_image_with_a_title_and_a_description(client, topic, history):
    svg = chart(page(client, topic.get_absolute_url()))
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "How the estimates for Arms control moved"
    assert "Breakthrough from 10\u00a0% to 15\u00a0%" in desc.text
    assert "from 15 January 2025 to" in desc.text


def test_the_axes_name_quarters_of_a_hundred_and_dates(client, topic, history):
    svg = chart(page(client, topic.get_absolute_url()))
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert labels[:5] == ["0\u2009%", "25\u2009%", "50\u2009%", "75\u2009%", "100\u2009%"]
    assert len(labels) > 5


def test_the_section_is_on_the_page_and_in_its_contents(client, topic, history):
    html = page(client, topic.get_absolute_url())
    assert '<a href="#history-heading">How the estimates moved</a>' in html
    assert '<h2 id="history-heading">How the estimates moved</h2>' in html
    assert html.index('id="scenarios-heading"') < html.index('id="history-heading"') < html.index('id="background')


def test_a_topic_without_revisions_has_no_chart(client, topic):
    html = page(client, topic.get_absolute_url())
    assert "history-heading" not in html
    assert '<svg class="chart"' not in html


def test_the_chart_loads_its_stylesheet_and_nothing_inline(client, topic, history):
    html = page(client, topic.get_absolute_url())
    assert '<link rel="stylesheet" href="/static/css/chart.css">' in html
    assert inline_code(html) == []


def markers(html: str) -> dict[str, str]:
    """Each development marked on the chart: its address → its tooltip."""
    svg = chart(html)
    return {a.get("href"): a.find(f"{SVG}title").text for a in svg.iter(f"{SVG}a")}


def test_developments_are_marked_and_linked_to_their_pages(client, topic, history):
    talks, _ = history
    assert markers(page(client, topic.get_absolute_url())) == {
        talks.get_absolute_url(): "Talks announced (10 Feb 2025)"
    }


@pytest.mark.parametrize("first", ["editor", "reader"])
def test_draft_developments_are_marked_for_editors_only_whoever_comes_first(topic, history, editor, first):
    """Two people in sequence, on the same cache: what the first got never reaches the second."""
    talks, draft = history
    editor_client, reader_client = Client(), Client()
    editor_client.force_login(editor)
    reader = User.objects.create_user("reader")
    reader_client.force_login(reader)
    visits = [("editor", editor_client), ("reader", reader_client), ("anonymous", Client())]
    if first == "reader":
        visits.reverse()
    for who, client in visits * 2:
        html = page(client, topic.get_absolute_url())
        shown = set(markers(html))
        if who == "editor":
            assert shown == {talks.get_absolute_url(), draft.get_absolute_url()}
            assert "A secret draft" in table(html)
        else:
            assert shown == {talks.get_absolute_url()}, who
            assert "A secret draft" not in html, who
            assert draft.get_absolute_url() not in html, who


def test_a_development_before_the_first_revision_is_left_off_the_chart(client, topic, history):
    make_development(topic, title="Long ago", happened_on=D(2020, 1, 1))
    assert "Long ago" not in page(client, topic.get_absolute_url())


def test_a_new_revision_reaches_the_chart_at_once(client, topic, history):
    before = chart(page(client, topic.get_absolute_url()))
    assert len(before.findall(f".//{SVG}circle[@class='chart-dot']")) == 12
    make_revision(topic, [25, 25, 25, 25], as_of=D(2025, 4, 1), reason="Even odds.")
    after = page(client, topic.get_absolute_url())
    assert len(chart(after).findall(f".//{SVG}circle[@class='chart-dot']")) == 16
    assert "Even odds." in table(after)


def test_draft_scenarios_have_no_line_for_readers(client, topic, outcomes, editor):
    other = make_topic_with_scenarios(outcomes[:3], slug="three")
    hidden = make_scenario(topic=other, outcome=outcomes[3], is_published=False, likelihood=10)
    make_revision(other, [30, 30, 30, 10], as_of=D(2025, 1, 1))
    html = page(client, other.get_absolute_url())
    assert len(chart(html).findall(f".//{SVG}polyline")) == 3
    assert "Worsened relations" not in table(html)
    client.force_login(editor)
    html = page(client, other.get_absolute_url())
    assert len(chart(html).findall(f".//{SVG}polyline")) == 4
    assert hidden.outcome.name in table(html)


def test_the_legend_names_each_outcome_with_its_latest_number(client, topic, history):
    html = page(client, topic.get_absolute_url())
    legend = re.search(r'<ul class="chart-legend">(.*?)</ul>', html, re.S).group(1)
    names = re.findall(r"</svg> ([^<]+?) <span", legend)
    assert names == OUTCOMES
    assert re.findall(r'chart-legend-value">(\d+)', legend) == ["15", "35", "30", "20"]


# The table: the chart's text alternative


def test_the_table_lists_every_revision_newest_first_with_what_moved_who_why_and_what_prompted_it(
    client, topic, history, editor
):
    talks, _ = history
    html = page(client, topic.get_absolute_url())
    assert "<summary>Revisions as a table</summary>" in table(html)
    header = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table(html))
    assert header == ["As of", *OUTCOMES, "Why", "By", "Prompted by"]
    assert rows(html) == [
        ["11 Mar 2025", "15% −5", "35% +5", "30%", "20%", "Quietly worse.", "editor", "—"],
        ["11 Feb 2025", "20% +10", "30%", "30% −10", "20%", "Talks are set.", "editor", "Talks announced"],
        ["15 Jan 2025", "10%", "30%", "40%", "20%", "A first look.", NO_EDITOR, "—"],
    ]
    assert f'<a href="{talks.get_absolute_url()}">Talks announced</a>' in table(html)
    assert '<time datetime="2025-03-11">11 Mar 2025</time>' in table(html)


def test_the_chart_links_to_its_csv(client, topic, history):
    html = page(client, topic.get_absolute_url())
    assert '<a href="/topics/arms/history.csv" download>' in html


# The scenario page


def test_the_scenario_page_emphasises_its_own_line_and_fades_the_others(client, topic, scenarios, history):
    own = scenarios[1]
    html = page(client, own.get_absolute_url())
    svg = chart(html)
    lines = [g for g in svg.iter(f"{SVG}g") if "chart-series" in g.get("class", "")]
    classes = [g.get("class") for g in lines]
    assert classes[-1] == "chart-series series-2 is-focus"  # drawn last: on top
    assert sorted(classes[:-1]) == [f"chart-series series-{n} is-faint" for n in (1, 3, 4)]
    assert '<h2 id="history-heading">How the estimate moved</h2>' in html
    assert '<link rel="stylesheet" href="/static/css/chart.css">' in html
    assert len(rows(html)) == 3
    assert re.search(r'<th scope="col" class="chart-table-number is-focus">Limited agreement</th>', html)


def test_each_scenario_page_has_its_own_focus_from_the_cache(client, scenarios, history):
    for scenario in scenarios * 2:
        svg = chart(page(client, scenario.get_absolute_url()))
        focus = [g for g in svg.iter(f"{SVG}g") if "is-focus" in g.get("class", "")]
        assert len(focus) == 1
        assert f"series-{scenarios.index(scenario) + 1}" in focus[0].get("class")


def test_a_scenario_page_without_revisions_has_no_chart(client, scenarios):
    html = page(client, scenarios[0].get_absolute_url())
    assert "history-heading" not in html


# Queries do not grow with the history


@pytest.mark.parametrize("which", ["topic", "scenario"])
@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_query_count_does_not_grow_with_revisions_developments_and_marks(client, topic, scenarios, editor, which, who):
    if who == "editor":
        client.force_login(editor)
    url = topic.get_absolute_url() if which == "topic" else scenarios[0].get_absolute_url()
    day = iter(D(2025, 1, 1) + datetime.timedelta(days=n) for n in range(1000))

    def more() -> None:
        development = make_development(topic, happened_on=next(day))
        make_development(topic, happened_on=next(day), is_published=False)
        for scenario in scenarios:
            make_mark(development, make_signpost(scenario))
        make_revision(topic, [40, 30, 20, 10], as_of=next(day), development=development, editor=editor)

    more()
    with_little_history = count_queries(client, url)
    for _ in range(20):
        more()
    assert count_queries(client, url) == with_little_history
    assert len(chart(page(client, url)).findall(f".//{SVG}polyline")) == 4


# The CSV


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_the_csv_has_a_row_per_outcome_per_revision_oldest_first(client, topic, history):
    talks, _ = history
    response = client.get("/topics/arms/history.csv")
    assert response.status_code == 200
    header, *body = csv_rows(response)
    assert header == ["date", "outcome", "likelihood", "editor", "reason", "development"]
    link = site_url() + talks.get_absolute_url()
    by_day = [
        ("2025-01-15", NO_EDITOR, "A first look.", "", ["10", "30", "40", "20"]),
        ("2025-02-11", "editor", "Talks are set.", link, ["20", "30", "30", "20"]),
        ("2025-03-11", "editor", "Quietly worse.", "", ["15", "35", "30", "20"]),
    ]
    assert body == [
        [day, name, number, who, why, development]
        for day, who, why, development, numbers in by_day
        for name, number in zip(OUTCOMES, numbers, strict=True)
    ]
    assert link.startswith("http")


def test_the_csv_is_a_utf8_download_named_after_the_topic(client, topic, history):
    response = client.get(reverse("topic_history_csv", args=["arms"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="arms-history.csv"'


def test_a_topic_without_revisions_has_a_csv_of_its_header_alone(client, topic):
    assert csv_rows(client.get("/topics/arms/history.csv")) == [
        ["date", "outcome", "likelihood", "editor", "reason", "development"]
    ]


@pytest.mark.parametrize(
    ("reason", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ('A plain reason, with a comma and "quotes".', 'A plain reason, with a comma and "quotes".'),
        ("Two lines:\nthe second = the first.", "Two lines:\nthe second = the first."),
    ],
)
def test_the_csv_cannot_smuggle_a_formula_into_a_spreadsheet(client, topic, reason, written):
    make_revision(topic, [25, 25, 25, 25], as_of=D(2025, 1, 1), reason=reason)
    body = csv_rows(client.get("/topics/arms/history.csv"))[1:]
    assert {row[4] for row in body} == {written}


def test_names_that_look_like_formulas_are_escaped_too(client, topic):
    user = User.objects.create_user("+editor")
    make_revision(topic, [25, 25, 25, 25], as_of=D(2025, 1, 1), editor=user)
    assert {row[3] for row in csv_rows(client.get("/topics/arms/history.csv"))[1:]} == {"'+editor"}


def test_draft_developments_never_reach_readers_csv_but_editors_see_them(client, topic, history, editor):
    _, draft = history
    reader_csv = client.get("/topics/arms/history.csv").content.decode()
    assert draft.get_absolute_url() not in reader_csv
    client.force_login(editor)
    editor_csv = client.get("/topics/arms/history.csv").content.decode()
    assert site_url() + draft.get_absolute_url() in editor_csv
    client.logout()
    assert client.get("/topics/arms/history.csv").content.decode() == reader_csv


def test_draft_scenarios_never_reach_readers_csv(client, topic, outcomes, editor):
    other = make_topic_with_scenarios(outcomes[:3], slug="three")
    make_scenario(topic=other, outcome=outcomes[3], is_published=False, likelihood=10)
    make_revision(other, [30, 30, 30, 10], as_of=D(2025, 1, 1))
    assert [row[1] for row in csv_rows(client.get("/topics/three/history.csv"))[1:]] == OUTCOMES[:3]
    client.force_login(editor)
    assert [row[1] for row in csv_rows(client.get("/topics/three/history.csv"))[1:]] == OUTCOMES


def test_unknown_and_unpublished_topics_have_no_csv_for_readers(client, outcomes, editor, contributor):
    draft = make_topic_with_scenarios(outcomes, slug="draft", is_published=False)
    make_revision(draft, [25, 25, 25, 25], as_of=D(2025, 1, 1))
    assert client.get("/topics/nowhere/history.csv").status_code == 404
    assert client.get("/topics/draft/history.csv").status_code == 404
    client.force_login(contributor)
    assert client.get("/topics/draft/history.csv").status_code == 404
    client.force_login(editor)
    assert len(csv_rows(client.get("/topics/draft/history.csv"))) == 5


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_csv_only_answers_safe_methods(client, topic, method):
    assert getattr(client, method)("/topics/arms/history.csv").status_code == 405


def test_the_csv_is_cached_until_the_history_changes(client, topic, history):
    first = client.get("/topics/arms/history.csv")
    again = client.get("/topics/arms/history.csv")
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert "public" in again["Cache-Control"]
    assert count_queries(client, "/topics/arms/history.csv", cached=True) == 1
    make_revision(topic, [25, 25, 25, 25], as_of=D(2025, 4, 1), reason="Even odds.")
    assert "Even odds." in client.get("/topics/arms/history.csv").content.decode()


def test_signed_in_readers_get_a_private_csv(client, topic, history, contributor):
    client.force_login(contributor)
    response = client.get("/topics/arms/history.csv")
    assert "private" in response["Cache-Control"]
    assert len(csv_rows(response)) == 13


def test_the_csvs_query_count_does_not_grow_with_the_history(client, topic, editor):
    make_revision(topic, [25, 25, 25, 25], as_of=D(2025, 1, 1), development=make_development(topic))
    few = count_queries(client, "/topics/arms/history.csv")
    for n in range(20):
        make_revision(topic, [40, 30, 20, 10], as_of=D(2025, 2, 1 + n), development=make_development(topic))
    assert count_queries(client, "/topics/arms/history.csv") == few


# Every variable given, and valid HTML


def test_no_page_with_a_history_renders_a_missing_variable(client, settings, topic, scenarios, history, editor):
    options = settings.TEMPLATES[0]["OPTIONS"] | {"string_if_invalid": "MISSING-VARIABLE"}
    settings.TEMPLATES = [settings.TEMPLATES[0] | {"OPTIONS": options}]
    talks, _ = history
    make_mark(talks, make_signpost(scenarios[0]))
    for who in (None, editor):
        if who:
            client.force_login(who)
        for url in (topic.get_absolute_url(), scenarios[0].get_absolute_url()):
            assert "MISSING-VARIABLE" not in page(client, url), f"{url} as {who or 'anonymous'}"


def test_pages_with_a_chart_and_signposts_are_valid_html(client, topic, scenarios, history, editor, tmp_path):
    """The Nu HTML Checker finds no error on the topic and scenario pages, anonymously or for an editor."""
    java = java_or_skip()
    talks, draft = history
    signpost = make_signpost(scenarios[0], text="Envoys meet")
    make_mark(talks, signpost, note="They did.")
    make_mark(draft, make_signpost(scenarios[0]), state="contradicted", note="They did not.")
    pages = {}
    for who in (None, editor):
        if who:
            client.force_login(who)
        for url in (topic.get_absolute_url(), scenarios[0].get_absolute_url(), scenarios[1].get_absolute_url()):
            file = tmp_path / f"page-{len(pages)}.html"
            text = page(client, url)
            file.write_text(text)
            pages[file] = (f"{url} as {who or 'anonymous'}", text)
    problems = [
        f"{pages[file][0]}: {describe(message, source=pages[file][1])}"
        for file, messages in check(java, list(pages)).items()
        for message in messages
        if message.is_error
    ]
    assert not problems, "\n".join(problems)


def test_the_next_day_the_cached_chart_runs_to_the_new_day_like_a_fresh_one(client, topic, history, monkeypatch):
    """The chart draws each line on to today: a page cached yesterday must not be served today."""
    yesterday = page(client, topic.get_absolute_url())
    assert page(client, topic.get_absolute_url()) == yesterday  # from the cache
    later = timezone.localdate() + datetime.timedelta(days=200)
    monkeypatch.setattr(timezone, "localdate", lambda *args: later)
    cached = page(client, topic.get_absolute_url())
    cache.clear()
    assert cached == page(client, topic.get_absolute_url()) != yesterday
