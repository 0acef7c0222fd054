"""The pages of developments: the list, a topic's list, each development's own page; who sees drafts."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diplomacy.timeline.models import SignpostMark
from diplomacy.timeline.views import PAGE_SIZE
from tests.factories import make_topic, make_topic_with_scenarios
from tests.html_check import check, describe, java_or_skip
from tests.timeline.factories import (
    make_development,
    make_development_source,
    make_mark,
    make_revision,
    make_signpost,
)
from tests.utils import count_queries

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
MISSING = "MISSING-VARIABLE"


@pytest.fixture
def trade(outcomes):
    return make_topic_with_scenarios(outcomes, title="Trade", slug="trade")


@pytest.fixture
def arms(outcomes):
    return make_topic_with_scenarios(outcomes, title="Arms control", slug="arms")


@pytest.fixture
def summit(trade, arms):
    """A published development on two topics: two sources, two signposts marked, a re-estimate."""
    development = make_development(
        trade, arms, title="Leaders agree to meet", happened_on=datetime.date(2025, 2, 10), summary="A summit is set."
    )
    make_development_source(
        development,
        title="Kremlin readout",
        publisher="Kremlin press office",
        published_on=datetime.date(2025, 2, 11),
        url="https://kremlin.example.org/readout",
        quote="The presidents agreed to meet.",
    )
    make_development_source(
        development, title="A printed notice", publisher="Gazette", url="", quote="Printed words.", published_on=None
    )
    first, second = trade.scenarios.order_by("outcome__order")[:2]
    make_mark(development, make_signpost(first, text="A date is set for a summit"), note="The date is 1 March.")
    make_mark(
        development,
        make_signpost(second, text="Tariffs are raised"),
        state=SignpostMark.State.CONTRADICTED,
        note="Tariffs were lowered.",
    )
    make_revision(trade, [40, 30, 20, 10], development=development, reason="A summit makes a deal likelier.")
    return development


def visit(client, url, headers=None):
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response


def titles(response) -> list[str]:
    return re.findall(r'<h3><a href="/developments/\d+/[\w-]+/">([^<]+)</a></h3>', response.text)


# The list


def test_the_list_shows_published_developments_newest_first(client, trade):
    make_development(trade, title="Older", happened_on=datetime.date(2025, 1, 5))
    make_development(trade, title="Newer", happened_on=datetime.date(2025, 3, 5))
    make_development(trade, title="Same day, recorded later", happened_on=datetime.date(2025, 3, 5))
    make_development(trade, title="A draft", happened_on=datetime.date(2025, 4, 5), is_published=False)
    response = visit(client, reverse("developments"))
    assert titles(response) == ["Same day, recorded later", "Newer", "Older"]
    assert '<time datetime="2025-03-05">5 March 2025</time>' in response.text
    assert "3 developments" in response.text


def test_each_item_links_its_permalink_and_topics_and_says_what_it_marked_and_prompted(client, trade, summit):
    quiet = make_development(trade, title="Nothing much", happened_on=datetime.date(2025, 1, 1))
    text = visit(client, reverse("developments")).text
    assert f'<a href="{summit.get_absolute_url()}">Leaders agree to meet</a>' in text
    assert "A summit is set." in text
    assert '<li><a href="/topics/trade/">Trade</a></li>' in text
    assert '<li><a href="/topics/arms/">Arms control</a></li>' in text
    assert f'<a href="{summit.get_absolute_url()}#signposts-heading">2 signposts marked</a>' in text
    assert f'<a href="{summit.get_absolute_url()}#revisions-heading">prompted a re-estimate</a>' in text
    assert quiet.get_absolute_url() in text
    assert "No signpost marked" in text and "no re-estimate" in text


def test_the_list_filters_by_topic_with_a_plain_form(client, trade, arms):
    make_development(trade, title="On trade")
    make_development(arms, title="On arms")
    response = visit(client, reverse("developments"), {})
    assert '<form class="development-filter" method="get" action="/developments/"' in response.text
    response = client.get(reverse("developments"), {"topic": "arms"})
    assert titles(response) == ["On arms"]
    assert '<option value="arms" selected>Arms control</option>' in response.text
    assert "1 development on Arms control" in response.text
    assert '<a href="/topics/arms/">Read the topic: Arms control</a>' in response.text


@pytest.mark.parametrize("wanted", ["atlantis", "", "draft-topic", "<b>bold</b>", "x" * 500])
def test_an_unknown_topic_is_ignored_with_a_message(client, trade, wanted):
    make_topic(slug="draft-topic", title="A draft topic", is_published=False)
    make_development(trade, title="On trade")
    response = client.get(reverse("developments"), {"topic": wanted})
    assert response.status_code == 200
    assert titles(response) == ["On trade"]
    assert ("There is no topic" in response.text) == bool(wanted)
    assert "<b>bold</b>" not in response.text
    assert "A draft topic" not in response.text


def test_the_list_is_paged_and_keeps_the_filter_on_its_pages(client, trade, arms):
    for n in range(PAGE_SIZE + 3):
        make_development(
            trade, title=f"Trade news {n:02}", happened_on=datetime.date(2025, 1, 1) + datetime.timedelta(n)
        )
    make_development(arms, title="Arms news")
    first = visit(client, reverse("developments") + "?topic=trade")
    assert len(titles(first)) == PAGE_SIZE
    assert titles(first)[0] == f"Trade news {PAGE_SIZE + 2:02}"
    assert 'href="?topic=trade&amp;page=2"' in first.text
    second = visit(client, reverse("developments") + "?topic=trade&page=2")
    assert titles(second) == ["Trade news 02", "Trade news 01", "Trade news 00"]
    assert "Page 2 of 2" in second.text


@pytest.mark.parametrize("page", ["0", "-1", "3", "999999999999999999999", "last", "1.5", "", "\x00"])
def test_a_bad_page_number_shows_the_nearest_page(client, trade, page):
    for n in range(PAGE_SIZE + 1):
        make_development(trade, title=f"News {n:02}")
    response = client.get(reverse("developments"), {"page": page})
    assert response.status_code == 200
    assert len(titles(response)) in (1, PAGE_SIZE)
    assert client.get(reverse("topic_developments", args=["trade"]), {"page": page}).status_code == 200


def test_an_empty_list_says_so(client, trade):
    assert "No developments recorded yet." in visit(client, reverse("developments")).text
    assert "No developments recorded yet on Trade." in visit(client, "/topics/trade/developments/").text


def test_htmx_gets_the_results_alone_with_the_tidy_address_to_push(client, trade, arms):
    make_development(trade, title="On trade")
    make_development(arms, title="On arms")
    full = visit(client, reverse("developments") + "?topic=arms")
    assert "<html" in full.text and 'id="results"' in full.text
    fragment = visit(client, reverse("developments") + "?page=&topic=arms", HTMX)
    assert fragment.text.lstrip().startswith('<section id="results"')
    assert "<html" not in fragment.text and titles(fragment) == ["On arms"]
    assert fragment["HX-Push-Url"] == "/developments/?topic=arms"
    assert "HX-Request" in fragment["Vary"]
    # The same address loaded fresh is the whole page, not the fragment cached for htmx.
    assert "<html" in visit(client, reverse("developments") + "?page=&topic=arms").text


# A topic's list


def test_a_topics_list_shows_only_its_developments_and_links_back_to_the_topic(client, trade, arms):
    make_development(trade, title="On trade")
    make_development(arms, title="On arms")
    make_development(trade, arms, title="On both")
    response = visit(client, reverse("topic_developments", args=["trade"]))
    assert set(titles(response)) == {"On trade", "On both"}
    assert '<a href="/topics/trade/">← Back to Trade</a>' in response.text
    assert '<form class="development-filter"' not in response.text


def test_a_topics_list_is_paged(client, trade):
    for n in range(PAGE_SIZE + 2):
        make_development(trade, title=f"News {n:02}")
    first = visit(client, "/topics/trade/developments/")
    assert len(titles(first)) == PAGE_SIZE and 'href="?page=2"' in first.text
    assert len(titles(visit(client, "/topics/trade/developments/?page=2"))) == 2


def test_an_unknown_or_unpublished_topic_has_no_list_for_readers(client, contributor):
    draft = make_topic(slug="draft-topic", title="A draft topic", is_published=False)
    make_development(draft, title="On the draft topic")
    assert client.get("/topics/atlantis/developments/").status_code == 404
    assert client.get("/topics/draft-topic/developments/").status_code == 404
    client.force_login(contributor)
    assert client.get("/topics/draft-topic/developments/").status_code == 404


def test_editors_see_an_unpublished_topics_list_with_a_banner(client, editor):
    draft = make_topic(slug="draft-topic", title="A draft topic", is_published=False)
    make_development(draft, title="On the draft topic")
    client.force_login(editor)
    response = visit(client, "/topics/draft-topic/developments/")
    assert "Unpublished topic: only editors can see it." in response.text
    assert titles(response) == ["On the draft topic"]
    assert "/topics/draft-topic/developments.atom" not in response.text  # feeds carry published topics only


def test_a_renamed_topics_old_address_moves_permanently(client, trade):
    trade.slug = "trade-and-energy"
    trade.save()
    response = client.get("/topics/trade/developments/")
    assert response.status_code == 301
    assert response["Location"] == "/topics/trade-and-energy/developments/"


# A development's page


def test_a_development_shows_its_sources_marks_and_re_estimates(client, trade, summit):
    text = visit(client, summit.get_absolute_url()).text
    assert "<h1>Leaders agree to meet</h1>" in text
    assert '<time datetime="2025-02-10">10 February 2025</time>' in text
    assert '<p class="lede">A summit is set.</p>' in text
    assert '<li><a href="/topics/arms/">Arms control</a></li>' in text
    # Sources: a link when there is an address, the date when there is one, the quote as a blockquote.
    assert (
        '<a href="https://kremlin.example.org/readout" rel="noopener noreferrer external">Kremlin readout</a>' in text
    )
    assert 'Kremlin press office, <time datetime="2025-02-11">11 February 2025</time>' in text
    assert "<blockquote>The presidents agreed to meet.</blockquote>" in text
    assert "<cite>A printed notice</cite>, Gazette</p>" in text
    # Signposts: the text, its scenario linked, the state, the note.
    first, second = trade.scenarios.order_by("outcome__order")[:2]
    assert "A date is set for a summit" in text and "The date is 1 March." in text
    assert f'<a href="{first.get_absolute_url()}">{first.title}</a>' in text
    assert 'class="mark mark--observed"' in text and 'class="mark mark--contradicted"' in text
    assert "Tariffs were lowered." in text and f'<a href="{second.get_absolute_url()}">' in text
    # The re-estimate: its topic, as of, why, each outcome from → to.
    assert "A summit makes a deal likelier." in text
    assert 'as of <time datetime="2025-03-01">1 March 2025</time>' in text
    estimates = re.findall(r"<td>(\d+)&thinsp;%</td>\s*<td>(\d+)&thinsp;%</td>", text)
    assert estimates == [("25", "40"), ("25", "30"), ("25", "20"), ("25", "10")]
    assert "up 15" in text and "down 15" in text
    more = '<a href="/topics/trade/developments/">Trade</a> and <a href="/topics/arms/developments/">Arms control</a>'
    assert f"More developments on {more}, or" in text


def test_a_development_with_nothing_attached_says_so(client, trade):
    bare = make_development(trade, title="Bare")
    text = visit(client, bare.get_absolute_url()).text
    assert "No sources given yet." in text
    assert "It marked no signpost." in text
    assert "It prompted no re-estimate." in text


def test_a_wrong_slug_moves_permanently_to_the_canonical_address(client, summit):
    for wrong in ("leaders", "an-old-title"):
        response = client.get(reverse("development", kwargs={"pk": summit.pk, "slug": wrong}))
        assert response.status_code == 301
        assert response["Location"] == summit.get_absolute_url()


def test_an_unknown_development_is_not_found(client, summit):
    assert client.get(f"/developments/{summit.pk + 100}/leaders-agree-to-meet/").status_code == 404
    assert client.get(f"/developments/{10**30}/x/").status_code == 404


def test_readers_get_404_for_an_unpublished_development_and_editors_a_banner(client, trade, contributor, editor):
    draft = make_development(trade, title="A secret draft", is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/developments/{draft.pk}/wrong/").status_code == 404  # no redirect says it exists
    client.force_login(contributor)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = visit(client, draft.get_absolute_url())
    assert "Unpublished: only editors can see this development." in response.text
    assert client.get(f"/developments/{draft.pk}/wrong/").status_code == 301


def test_readers_do_not_see_the_drafts_a_published_development_touches(client, outcomes, trade, editor):
    hidden_topic = make_topic_with_scenarios(outcomes, title="Hidden topic", slug="hidden", is_published=False)
    draft_scenario = trade.scenarios.order_by("outcome__order").last()
    draft_scenario.is_published, draft_scenario.title = False, "Draft scenario"
    draft_scenario.save()
    development = make_development(trade, hidden_topic, title="Touches drafts")
    make_mark(development, make_signpost(draft_scenario, text="A sign of a draft"))
    make_mark(development, make_signpost(hidden_topic.scenarios.first(), text="A sign of a hidden topic"))
    make_revision(hidden_topic, [10, 20, 30, 40], development=development, reason="Hidden reasons")
    secrets = ("Hidden topic", "Draft scenario", "A sign of a draft", "A sign of a hidden topic", "Hidden reasons")
    for who in (editor, None):
        client.logout()
        if who:
            client.force_login(who)
        pages = [development.get_absolute_url(), reverse("developments"), "/topics/trade/developments/"]
        text = "".join(visit(client, url).text for url in pages)
        for secret in secrets[:2]:
            assert (secret in text) == bool(who), secret
        detail = visit(client, development.get_absolute_url()).text
        for secret in secrets[2:]:
            assert (secret in detail) == bool(who), secret
        listed = visit(client, reverse("developments")).text
        assert ("2 signposts marked" in listed) == bool(who)
        assert ("prompted a re-estimate" in listed) == bool(who)


# Two people in sequence, with the cache on


def test_editor_then_readers_then_publishing(client, trade, editor, contributor):
    draft = make_development(
        trade, title="A draft development", happened_on=datetime.date(2025, 5, 1), is_published=False
    )
    pages = [reverse("developments"), reverse("developments") + "?topic=trade", "/topics/trade/developments/"]
    client.force_login(editor)
    for url in pages:
        assert "A draft development" in visit(client, url).text
    assert "A draft development" in visit(client, reverse("developments") + "?topic=trade", HTMX).text
    assert visit(client, draft.get_absolute_url()).status_code == 200
    for reader in (contributor, None):
        client.logout()
        if reader:
            client.force_login(reader)
        for url in pages:
            assert "A draft development" not in visit(client, url).text, url
        assert "A draft development" not in visit(client, reverse("developments") + "?topic=trade", HTMX).text
        assert client.get(draft.get_absolute_url()).status_code == 404
    draft.is_published = True
    draft.save()
    for url in pages:
        response = visit(client, url)
        assert "A draft development" in response.text, url
        assert response["X-Cache"] == "miss"
    response = visit(client, draft.get_absolute_url())
    assert "Unpublished" not in response.text


def test_anonymous_pages_are_cached_and_a_cached_answer_equals_a_fresh_one(client, summit):
    for url in (reverse("developments"), "/topics/trade/developments/", summit.get_absolute_url()):
        fresh = visit(client, url)
        cached = visit(client, url)
        assert (fresh["X-Cache"], cached["X-Cache"]) == ("miss", "hit")
        assert fresh.content == cached.content
        assert "public" in cached["Cache-Control"]


def test_a_change_to_a_development_reaches_every_page_that_shows_it(client, summit):
    urls = [reverse("developments"), "/topics/trade/developments/", summit.get_absolute_url()]
    for url in urls:
        visit(client, url)
    summit.title = "Leaders meet in Riyadh"
    summit.save()
    for url in urls:
        response = client.get(url, follow=True)
        assert "Leaders meet in Riyadh" in response.text, url
    source = summit.sources.first()
    source.quote = "A corrected quote."
    source.save()
    assert "A corrected quote." in visit(client, summit.get_absolute_url()).text


def test_signed_in_readers_get_private_fresh_pages(client, summit, contributor):
    client.force_login(contributor)
    response = visit(client, reverse("developments"))
    assert "private" in response["Cache-Control"] and "X-Cache" not in response


# What every page says of itself


def test_each_page_has_its_title_description_and_canonical_address(client, summit, trade):
    for _ in range(PAGE_SIZE):
        make_development(trade)
    expectations = {
        "/developments/": ("Developments", "http://127.0.0.1:8000/developments/"),
        "/developments/?page=2&topic=trade": (
            "Developments on Trade",
            "http://127.0.0.1:8000/developments/?topic=trade&amp;page=2",
        ),
        "/developments/?topic=nowhere&page=1": ("Developments", "http://127.0.0.1:8000/developments/"),
        "/topics/trade/developments/?page=2": (
            "Developments on Trade",
            "http://127.0.0.1:8000/topics/trade/developments/?page=2",
        ),
        summit.get_absolute_url(): ("Leaders agree to meet", "http://127.0.0.1:8000" + summit.get_absolute_url()),
    }
    for url, (title, canonical) in expectations.items():
        text = visit(client, url).text
        assert f"<title>{title} — " in text, url
        assert f'<link rel="canonical" href="{canonical}">' in text, url
        assert re.search(r'<meta name="description" content="[^"]{20,}">', text) or url == summit.get_absolute_url()
    text = visit(client, summit.get_absolute_url()).text
    assert '<meta name="description" content="A summit is set.">' in text
    assert '<meta property="og:type" content="article">' in text


def test_pages_offer_their_feeds_and_load_their_stylesheet(client, summit):
    site_feed = (
        '<link rel="alternate" type="application/atom+xml" title="Developments" href="/feeds/developments.atom">'
    )
    trade_feed = 'title="Developments on Trade" href="/topics/trade/developments.atom"'
    for url, feeds in {
        reverse("developments"): [site_feed],
        reverse("developments") + "?topic=trade": [site_feed, trade_feed],
        "/topics/trade/developments/": [site_feed, trade_feed],
        summit.get_absolute_url(): [site_feed, trade_feed, 'href="/topics/arms/developments.atom"'],
    }.items():
        head = visit(client, url).text.split("</head>")[0]
        assert '<link rel="stylesheet" href="/static/css/developments.css">' in head
        for feed in feeds:
            assert feed in head, url


def test_text_is_escaped(client, trade):
    development = make_development(trade, title="<script>alert(1)</script>", summary="<img src=x onerror=alert(1)>")
    make_development_source(development, quote="<b>quoted</b>", url="https://example.org/?a=1&b=<2>")
    for url in (reverse("developments"), development.get_absolute_url()):
        text = visit(client, url).text
        assert "<script>alert(1)</script>" not in text and "<img src=x" not in text and "<b>quoted</b>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_no_page_renders_a_missing_variable(client, settings, summit, editor):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "string_if_invalid": MISSING}}
    ]
    make_development(summit.topics.first(), is_published=False)
    for who in (None, editor):
        if who:
            client.force_login(who)
        for url, headers in [
            (reverse("developments"), {}),
            (reverse("developments") + "?topic=trade&page=2", {}),
            (reverse("developments") + "?topic=nowhere", HTMX),
            ("/topics/trade/developments/", {}),
            ("/topics/trade/developments/", HTMX),
            (summit.get_absolute_url(), {}),
        ]:
            assert MISSING not in visit(client, url, headers).text, url


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_pages_only_answer_safe_methods(client, summit, method):
    for url in (reverse("developments"), "/topics/trade/developments/", summit.get_absolute_url()):
        assert getattr(client, method)(url).status_code == 405


# Queries do not grow with the data


@pytest.mark.parametrize("page", ["list", "filtered", "topic", "development", "htmx"])
def test_query_count_does_not_grow_with_the_data(client, outcomes, editor, page):
    def more() -> str:
        """Another topic, and a development on it and on the first topic, with sources, marks and a revision."""
        topic = make_topic_with_scenarios(outcomes)
        development = make_development(first, topic, happened_on=datetime.date(2025, 6, 1))
        for _ in range(2):
            make_development_source(development)
        for scenario in topic.scenarios.all()[:2]:
            make_mark(development, make_signpost(scenario))
        make_revision(topic, [40, 30, 20, 10], development=development)
        make_development(first, is_published=False)
        return {
            "list": reverse("developments"),
            "filtered": reverse("developments") + f"?topic={first.slug}",
            "topic": f"/topics/{first.slug}/developments/",
            "development": development.get_absolute_url(),
            "htmx": reverse("developments") + "?page=1",
        }[page]

    first = make_topic_with_scenarios(outcomes)
    headers = HTMX if page == "htmx" else {}
    for who in (None, editor):
        if who:
            client.force_login(who)
        with_little_data = count_queries(client, more(), **headers)
        for _ in range(12):
            last = more()
        assert count_queries(client, last, **headers) == with_little_data, who


def test_a_cached_page_costs_one_query(client, summit):
    visit(client, reverse("developments"))
    assert count_queries(client, reverse("developments"), cached=True) == 1


# Bad parameters never get a 500


FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)


@FUZZ
@given(
    params=st.dictionaries(st.sampled_from(["topic", "page"]) | TEXT, st.lists(TEXT, max_size=3), max_size=3),
    headers=st.sampled_from([{}, HTMX]),
)
def test_any_query_string_on_any_page(summit, editor, params, headers):
    for who in (None, editor):
        client = Client()
        if who:
            client.force_login(who)
        for url in (reverse("developments"), "/topics/trade/developments/", summit.get_absolute_url()):
            response = client.get(url, params, headers=headers)
            assert response.status_code == 200, f"GET {url}?{params} answered {response.status_code}"


@FUZZ
@given(first=TEXT, second=TEXT)
def test_any_address(summit, first, second):
    client = Client()
    for path in (f"/developments/{first}/", f"/developments/{summit.pk}/{first}/", f"/topics/{first}/developments/"):
        assert client.get(path).status_code < 500, path
    assert client.get(f"/developments/{first}/{second}/").status_code < 500


def test_a_staff_member_who_may_only_change_scenarios_cannot_show_drafts_to_readers(client, trade):
    from django.contrib.auth.models import Permission

    make_development(trade, title="A draft development", is_published=False)
    staff = User.objects.create_user("scenario-editor", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_scenario"))
    client.force_login(staff)
    assert "A draft development" not in visit(client, reverse("developments")).text
    client.logout()
    assert "A draft development" not in visit(client, reverse("developments")).text


# Valid HTML


def test_every_page_is_valid_html(client, summit, editor, tmp_path):
    """The Nu HTML Checker finds no error on any of these pages, anonymously or for an editor."""
    java = java_or_skip()
    make_development(summit.topics.first(), title="A draft", is_published=False)
    pages = {}
    for who in (None, editor):
        if who:
            client.force_login(who)
        for url, headers in [
            (reverse("developments"), {}),
            (reverse("developments") + "?topic=trade&page=1", {}),
            (reverse("developments") + "?topic=nowhere", HTMX),
            ("/topics/trade/developments/", {}),
            (summit.get_absolute_url(), {}),
        ]:
            text = visit(client, url, headers).text
            if headers:
                head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>htmx</title></head><body>'
                text = f"{head}\n{text}\n</body></html>\n"
            file = tmp_path / f"page-{len(pages)}.html"
            file.write_text(text)
            pages[file] = (f"{url} {headers} as {who or 'anonymous'}", text)
    problems = [
        f"{what}: {describe(message, source=text)}"
        for file, messages in check(java, list(pages)).items()
        for what, text in [pages[file]]
        for message in messages
        if message.is_error
    ]
    assert not problems, "\n".join(problems)


def test_a_long_summary_is_shortened_at_a_word_for_the_description(client, trade):
    development = make_development(trade, summary="A long account of the day. " * 30)
    text = visit(client, development.get_absolute_url()).text
    description = re.search(r'<meta name="description" content="([^"]*)">', text).group(1)
    assert len(description) <= 200 and description.endswith(" A long…")  # whole words only
