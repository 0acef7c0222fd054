"""The invalidation rule (diplomacy/core/cache.py), page by page, person by person.

Every cached thing is visited by two people in sequence (editor then reader, an author of a
private note then someone else, signed in then anonymous), before and after each kind of
change, and a cached answer is compared with a fresh one.
"""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diplomacy.annotations.anchoring import render_narrative
from diplomacy.core.cache import key
from diplomacy.core.models import EPOCH, Version
from tests.factories import (
    make_annotation,
    make_factor,
    make_influence,
    make_outcome,
    make_scenario,
    make_topic_with_scenarios,
)
from tests.utils import count_queries

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def topic(outcomes):
    return make_topic_with_scenarios(outcomes, title="Trade", slug="trade")


@pytest.fixture
def other_topic(outcomes):
    return make_topic_with_scenarios(outcomes, title="Climate", slug="climate")


@pytest.fixture
def scenario(topic):
    return topic.scenarios.order_by("outcome__order").first()


@pytest.fixture
def sibling(topic):
    return topic.scenarios.order_by("outcome__order")[1]


def thread_url(scenario) -> str:
    return reverse("annotations", args=[scenario.topic.slug, scenario.slug])


def cached_pages(topic, scenario) -> dict[str, tuple[str, dict]]:
    """Every page anonymous readers get from the cache: name → (address, request headers)."""
    return {
        "home": ("/", {}),
        "topics": ("/topics/", {}),
        "topic": (topic.get_absolute_url(), {}),
        "scenario": (scenario.get_absolute_url(), {}),
        "scenario, a later page of the thread": (scenario.get_absolute_url() + "?order=oldest&page=1", {}),
        "thread (htmx)": (thread_url(scenario) + "?kind=note", HTMX),
        "explorer": ("/scenarios/?q=paragraph&sort=likelihood", {}),
        "explorer (htmx)": ("/scenarios/?outcome=breakthrough", HTMX),
        "compare": (f"/compare/?s={scenario.ref}&s={topic.scenarios.last().ref}", {}),
        "feed of scenarios": ("/feeds/scenarios.atom", {}),
        "feed of annotations": ("/feeds/annotations.atom", {}),
        "feed of a topic's annotations": (f"/topics/{topic.slug}/annotations.atom", {}),
        "sitemap": ("/sitemap.xml", {}),
    }


def visit(client, url, headers=None):
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response


# A cached answer is the fresh one


PAGES = [
    "home",
    "topics",
    "topic",
    "scenario",
    "scenario, a later page of the thread",
    "thread (htmx)",
    "explorer",
    "explorer (htmx)",
    "compare",
    "feed of scenarios",
    "feed of annotations",
    "feed of a topic's annotations",
    "sitemap",
]


@pytest.mark.parametrize("page", PAGES)
def test_a_cached_answer_equals_a_fresh_one_but_for_x_cache(client, topic, scenario, contributor, page):
    make_annotation(scenario, contributor, body="Something to show")
    url, headers = cached_pages(topic, scenario)[page]
    fresh = visit(client, url, headers)
    cached = visit(client, url, headers)
    assert (fresh["X-Cache"], cached["X-Cache"]) == ("miss", "hit")
    assert cached.status_code == fresh.status_code
    assert cached.content == fresh.content
    assert {**fresh.headers, "X-Cache": ""} == {**cached.headers, "X-Cache": ""}
    assert cached["X-Frame-Options"] == "DENY"  # added by a middleware: once missing on a hit
    assert "Content-Security-Policy" in cached


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_pages_may_be_kept_by_caches_in_front_for_a_short_while(client, topic, scenario, page, settings):
    url, headers = cached_pages(topic, scenario)[page]
    for response in (visit(client, url, headers), visit(client, url, headers)):
        control = response["Cache-Control"]
        assert "public" in control and f"max-age={settings.PAGE_MAX_AGE}" in control
        assert f"stale-while-revalidate={settings.PAGE_STALE_WHILE_REVALIDATE}" in control
        assert response["ETag"]
        assert not response.cookies, "a response meant for everyone must set no cookie"
        assert "Cookie" in response["Vary"], "a signed-in reader's browser must not reuse it"
        assert client.get(url, headers={**headers, "If-None-Match": response["ETag"]}).status_code == 304


@pytest.mark.parametrize("page", PAGES)
def test_signed_in_readers_get_private_fresh_pages(client, topic, scenario, contributor, page):
    url, headers = cached_pages(topic, scenario)[page]
    visit(client, url, headers)  # a copy for everyone is in the cache
    client.force_login(contributor)
    response = visit(client, url, headers)
    assert "X-Cache" not in response
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_an_etag_held_from_before_a_change_is_not_answered_304(client, topic, scenario, contributor):
    etags = {url: visit(client, url)["ETag"] for url in (topic.get_absolute_url(), scenario.get_absolute_url())}
    make_annotation(scenario, contributor, body="Something new")
    for url, etag in etags.items():
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200 and response["ETag"] != etag
        assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_each_scenario_page_shows_its_own_scenario_whoever_asks(client, topic, other_topic, contributor):
    scenarios = [*topic.scenarios.all(), *other_topic.scenarios.all()]
    for reader in (None, contributor):
        if reader:
            client.force_login(reader)
        for scenario in scenarios:
            text = visit(client, scenario.get_absolute_url()).text
            assert f"<h1>{scenario.title}</h1>" in text, f"{scenario} shows another scenario"
            drawn = text.split('id="narrative"', 1)[1].split("</div>", 1)[0]
            assert scenario.narrative.split("\n\n")[0] in drawn, f"{scenario} shows another scenario's narrative"


def test_a_reader_with_a_message_waiting_gets_a_private_page(client, topic, contributor):
    visit(client, topic.get_absolute_url())
    client.cookies["messages"] = "anything"
    response = visit(client, topic.get_absolute_url())
    assert "X-Cache" not in response and "private" in response["Cache-Control"]


def test_a_cache_hit_costs_one_query(client, topic, scenario):
    for url in ("/", topic.get_absolute_url(), scenario.get_absolute_url()):
        visit(client, url)
        assert count_queries(client, url, cached=True) == 1  # the scopes' tokens


def test_the_versions_live_in_the_database_so_every_process_sees_a_change(client, topic):
    visit(client, topic.get_absolute_url())
    Version.bump([EPOCH])  # as another app server's bulk load would
    assert visit(client, topic.get_absolute_url())["X-Cache"] == "miss"


# What each change invalidates, and what it leaves alone


def x_cache(client, pages) -> dict[str, str]:
    return {name: visit(client, url, headers)["X-Cache"] for name, (url, headers) in pages.items()}


@pytest.fixture
def warm(client, topic, other_topic, scenario, sibling):
    """Every page, of both topics, in the cache; returns the pages by name."""
    pages = cached_pages(topic, scenario) | {
        "sibling": (sibling.get_absolute_url(), {}),
        "other topic": (other_topic.get_absolute_url(), {}),
        "other topic's scenario": (other_topic.scenarios.first().get_absolute_url(), {}),
        "other topic's feed": (f"/topics/{other_topic.slug}/annotations.atom", {}),
    }
    x_cache(client, pages)
    assert set(x_cache(client, pages).values()) == {"hit"}
    return pages


SHOWS_THE_SCENARIOS_ANNOTATIONS = {
    "topic",  # its count
    "scenario",
    "scenario, a later page of the thread",
    "thread (htmx)",
    "feed of annotations",
    "feed of a topic's annotations",
}


def test_a_public_annotation_invalidates_its_scenario_its_topics_counts_and_the_feeds_only(
    client, warm, scenario, contributor
):
    make_annotation(scenario, contributor, body="Fresh words")
    result = x_cache(client, warm)
    assert {name for name, status in result.items() if status == "miss"} == SHOWS_THE_SCENARIOS_ANNOTATIONS
    assert "Fresh words" in visit(client, scenario.get_absolute_url()).text
    assert ">1 annotation</a>" in visit(client, scenario.topic.get_absolute_url()).text


def test_a_new_annotation_rebuilds_only_the_topics_list_of_scenarios(client, topic, scenario, contributor):
    """What a new annotation changes on a topic page is its counts: the rest of the page (its history
    chart, forces, sources) is not rebuilt, and every reader, signed in or not, sees the new count."""
    url = topic.get_absolute_url()
    cold = count_queries(client, url)
    make_annotation(scenario, contributor)
    with CaptureQueriesContext(connection) as queries:
        response = visit(client, url)
    assert response["X-Cache"] == "miss" and ">1 annotation</a>" in response.text
    # The scopes' tokens and the counts: nothing of the topic's own build.
    assert len(queries.captured_queries) == 2 < cold
    assert "annotations_annotation" in queries.captured_queries[1]["sql"]
    client.force_login(contributor)
    assert ">1 annotation</a>" in visit(client, url).text
    make_annotation(scenario, contributor)
    assert ">2 annotations</a>" in visit(client, url).text
    client.logout()
    assert ">2 annotations</a>" in visit(client, url).text


@pytest.mark.parametrize(
    "change",
    ["edit", "edit in the admin", "hide", "restore", "make private", "delete", "rename the author"],
)
def test_every_change_to_a_public_annotation_reaches_what_shows_it(client, scenario, contributor, editor, change):
    annotation = make_annotation(
        scenario, contributor, body="Before", state="hidden" if change == "restore" else "shown"
    )
    pages = {"page": scenario.get_absolute_url(), "feed": "/feeds/annotations.atom"}
    before = {name: visit(client, url).text for name, url in pages.items()}
    if change == "edit":
        annotation.edit(body="After")
    elif change == "edit in the admin":  # the admin saves the object as it is, without edited_at
        annotation.body = "After"
        annotation.save()
    elif change == "hide":
        annotation.hide(by=editor, reason="Off topic")
    elif change == "restore":
        annotation.restore(by=editor, reason="Fine after all")
    elif change == "make private":
        annotation.edit(is_public=False)
    elif change == "delete":
        annotation.delete()
    elif change == "rename the author":
        contributor.username = "renamed-author"
        contributor.save()
    after = {name: visit(client, url) for name, url in pages.items()}
    assert all(response["X-Cache"] == "miss" for response in after.values()), change
    page = after["page"].text
    if change in ("edit", "edit in the admin"):
        assert "After" in page and "Before" not in page
    elif change in ("hide", "make private", "delete"):
        assert "Before" not in page and "Before" in before["page"]
    elif change == "restore":
        assert "Before" in page and "Before" not in before["page"]
    elif change == "rename the author":
        assert "renamed-author" in page and "renamed-author" in after["feed"].text
    # Signed in, with every shared piece already cached, the same holds.
    client.force_login(User.objects.create_user("late-reader"))
    assert visit(client, scenario.get_absolute_url()).text.count("After") == page.count("After")


@pytest.mark.parametrize("change", ["private annotation", "flag", "login", "session", "moderation event"])
def test_what_no_one_else_sees_invalidates_nothing(
    client, warm, scenario, contributor, other_contributor, editor, change
):
    public = make_annotation(scenario, other_contributor, body="Public words")
    x_cache(client, warm)  # refill after that public one
    if change == "private annotation":
        make_annotation(scenario, contributor, body="Only mine", is_public=False)
    elif change == "flag":
        public.flag(by=contributor)
    elif change == "login":
        response = Client().post("/accounts/login/", {"username": "contributor", "password": "contributor-password"})
        assert response.status_code == 302
    elif change == "session":
        other = Client()
        other.force_login(contributor)
        other.get(scenario.get_absolute_url())
    elif change == "moderation event":
        public.clear_flags(by=editor, reason="Nothing wrong")
    assert set(x_cache(client, warm).values()) == {"hit"}, change


@pytest.mark.parametrize("change", ["rename outcome", "rename factor", "edit scenario", "retitle topic", "add source"])
def test_an_editors_change_reaches_every_page_that_shows_it(client, topic, scenario, change):
    factor = make_factor(name="Old factor name")
    make_influence(scenario, factor=factor)
    pages = cached_pages(topic, scenario)
    for url, headers in pages.values():
        visit(client, url, headers)
    if change == "rename outcome":
        scenario.outcome.name = "A renamed outcome"
        scenario.outcome.save()
        expected, where = "A renamed outcome", ["home", "topics", "topic", "scenario", "explorer", "compare"]
    elif change == "rename factor":
        factor.name = "A renamed factor"
        factor.save()
        expected, where = "A renamed factor", ["topic", "scenario", "compare"]
    elif change == "edit scenario":
        scenario.title = "A brand new title"
        scenario.save()
        expected, where = "A brand new title", ["home", "topics", "topic", "scenario", "explorer", "compare"]
        assert visit(client, pages["sitemap"][0])["X-Cache"] == "miss"  # its last-modified date
    elif change == "retitle topic":
        topic.title = "Trade and energy"
        topic.save()
        expected, where = "Trade and energy", ["home", "topics", "topic", "scenario", "explorer", "compare"]
    else:
        topic.sources.clear()
        expected, where = None, ["topic"]
    for name in where:
        url, headers = pages[name]
        response = visit(client, url, headers)
        assert response["X-Cache"] == "miss", f"{name} was served from the cache after: {change}"
        if expected:
            assert expected in response.text.replace("&#x27;", "'"), f"{name} does not show the change: {change}"


# Two people in sequence


def test_editor_then_reader_see_only_what_each_may_see(client, topic, scenario, sibling, editor, contributor):
    sibling.is_published = False
    sibling.title = "A draft sibling"
    sibling.save()
    hidden = make_annotation(scenario, contributor, body="Hidden words", state="hidden")
    client.force_login(editor)
    for url in (topic.get_absolute_url(), scenario.get_absolute_url(), thread_url(scenario)):
        text = visit(client, url, HTMX if "annotations" in url else {}).text
        assert "A draft sibling" in text or "Hidden words" in text
    for reader in (User.objects.create_user("reader"), None):
        client.logout()
        if reader:
            client.force_login(reader)
        for url in (topic.get_absolute_url(), scenario.get_absolute_url(), thread_url(scenario) + "?kind=note"):
            text = visit(client, url, HTMX if "annotations" in url else {}).text
            assert "A draft sibling" not in text and "Hidden words" not in text
            assert f"annotation-{hidden.pk}" not in text


def test_a_staff_member_who_may_only_change_scenarios_cannot_show_drafts_to_readers(client, topic, scenario):
    """The topic page's key named change_topic while its build listed scenarios by change_scenario."""
    scenario.is_published = False
    scenario.title = "A draft scenario"
    scenario.save()
    staff = User.objects.create_user("scenario-editor", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_scenario"))
    client.force_login(staff)
    assert "A draft scenario" in visit(client, topic.get_absolute_url()).text
    for reader in (User.objects.create_user("reader"), None):
        client.logout()
        if reader:
            client.force_login(reader)
        assert "A draft scenario" not in visit(client, topic.get_absolute_url()).text
        assert "A draft scenario" not in visit(client, "/").text


def test_the_author_of_a_private_note_then_someone_else(client, scenario, contributor, other_contributor):
    private = make_annotation(scenario, contributor, body="Only mine", is_public=False, quote="The first paragraph")
    make_annotation(scenario, other_contributor, body="For everyone")
    client.force_login(contributor)
    mine = visit(client, scenario.get_absolute_url()).text
    assert "Only mine" in mine and f'id="passage-{private.pk}"' in mine
    assert re.search(r'id="annotation-count" class="count">2<', mine)
    for reader in (other_contributor, None):
        client.logout()
        if reader:
            client.force_login(reader)
        for url, headers in ((scenario.get_absolute_url(), {}), (thread_url(scenario), HTMX)):
            text = visit(client, url, headers).text
            assert "For everyone" in text and "Only mine" not in text and f"passage-{private.pk}" not in text
        assert re.search(r'id="annotation-count" class="count">1<', visit(client, scenario.get_absolute_url()).text)


def test_signed_in_then_anonymous_and_back(client, scenario, contributor):
    make_annotation(scenario, contributor, body="Mine, public")
    client.force_login(contributor)
    signed_in = visit(client, scenario.get_absolute_url()).text
    assert "Log out contributor" in signed_in and ">Edit</a>" in signed_in
    client.logout()
    anonymous = visit(client, scenario.get_absolute_url())
    assert "Log out" not in anonymous.text and "csrfmiddlewaretoken" not in anonymous.text
    assert ">Edit</a>" not in anonymous.text and "Flag for editors" not in anonymous.text
    client.force_login(contributor)
    assert ">Edit</a>" in visit(client, scenario.get_absolute_url()).text


def test_each_reader_gets_their_own_csrf_token_in_a_thread_rendered_once_for_all(
    scenario, contributor, other_contributor, editor
):
    """Readers with nothing of their own on a scenario share one rendering of its thread, with their
    token put in: the flag form must work for each of them, and carry nobody else's token."""
    annotation = make_annotation(scenario, editor, body="Flag me")
    for reader in (contributor, other_contributor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(reader)
        page = visit(client, scenario.get_absolute_url()).text
        flag_form = page.split(f'action="{reverse("annotation_flag", args=[annotation.pk])}"', 1)[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', flag_form)[1]
        assert "csrf-" not in token
        response = client.post(reverse("annotation_flag", args=[annotation.pk]), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302, f"{reader}'s flag form was refused"
    assert annotation.flags.count() == 2


def test_a_reader_who_flagged_sees_it_and_the_next_reader_does_not(client, scenario, contributor, other_contributor):
    annotation = make_annotation(scenario, other_contributor, body="Flag me")
    annotation.flag(by=contributor)
    client.force_login(contributor)
    assert "You flagged this for editors" in visit(client, scenario.get_absolute_url()).text
    client.force_login(User.objects.create_user("someone-else"))
    text = visit(client, scenario.get_absolute_url()).text
    assert "You flagged this for editors" not in text and "Flag for editors" in text


def test_an_editor_then_a_contributor_are_offered_their_own_kinds_of_annotation(client, scenario, editor, contributor):
    """The empty form is rendered once for everyone offered the same kinds."""
    client.force_login(editor)
    assert "Editor’s note</option>" in visit(client, scenario.get_absolute_url()).text
    client.force_login(contributor)
    text = visit(client, scenario.get_absolute_url()).text
    assert "Editor’s note</option>" not in text and "Question</option>" in text


# Preview images


def test_each_topic_and_scenario_has_its_own_preview_image(client, topic, other_topic, scenario, sibling):
    images = {
        visit(client, url).content
        for url in (
            topic.get_absolute_url() + "preview.png",
            other_topic.get_absolute_url() + "preview.png",
            scenario.get_absolute_url() + "preview.png",
            sibling.get_absolute_url() + "preview.png",
        )
    }
    assert len(images) == 4


def test_renaming_an_outcome_redraws_the_preview_images(client, scenario):
    urls = [scenario.topic.get_absolute_url() + "preview.png", scenario.get_absolute_url() + "preview.png"]
    before = [visit(client, url).content for url in urls]
    assert [visit(client, url).content for url in urls] == before  # cached
    scenario.outcome.name = "A much longer and different outcome name"
    scenario.outcome.save()
    assert all(visit(client, url).content != old for url, old in zip(urls, before, strict=True))


# The key itself


def test_a_full_page_and_its_htmx_fragment_are_cached_apart(client, topic, scenario):
    for url in ("/scenarios/?topic=" + topic.slug, thread_url(scenario) + "?kind=note"):
        fragment = visit(client, url, HTMX)
        assert "<html" not in fragment.text
        if "annotations" not in url:  # the thread's own address sends a plain visit to the scenario page
            full = visit(client, url)
            assert "<html" in full.text and full["X-Cache"] == "miss"
        again = visit(client, url, HTMX)
        assert again["X-Cache"] == "hit" and again.content == fragment.content
        assert again["HX-Push-Url"] == fragment["HX-Push-Url"]


def test_anonymous_then_a_signed_in_reader_of_the_same_thread(client, scenario, other_contributor):
    """The thread rendered for everyone signed in and the one for anonymous readers are kept apart."""
    make_annotation(scenario, other_contributor, body="Flag me")
    assert "Flag for editors" not in visit(client, scenario.get_absolute_url()).text
    assert "Flag for editors" not in visit(client, thread_url(scenario) + "?kind=note", HTMX).text
    client.force_login(User.objects.create_user("reader"))
    assert "Flag for editors" in visit(client, scenario.get_absolute_url()).text
    assert "Flag for editors" in visit(client, thread_url(scenario) + "?kind=note", HTMX).text
    client.logout()
    assert "Flag for editors" not in visit(client, scenario.get_absolute_url()).text


def test_a_narrative_rewritten_under_a_quote_marks_it_detached_for_everyone(client, scenario, contributor):
    """An annotation's rendering says whether its quote is still in the narrative: it follows editors' changes."""
    words = scenario.narrative.split(".")[0]
    make_annotation(scenario, contributor, body="Public", quote=words)
    make_annotation(scenario, contributor, body="Private", quote=words, is_public=False)
    client.force_login(contributor)  # sees both, through the per-reader path
    assert "Detached" not in visit(client, scenario.get_absolute_url()).text
    client.logout()
    assert "Detached" not in visit(client, scenario.get_absolute_url()).text
    scenario.narrative = "Rewritten from the first word to the last."
    scenario.save()
    assert visit(client, scenario.get_absolute_url()).text.count("Detached:") == 1
    client.force_login(contributor)
    assert visit(client, scenario.get_absolute_url()).text.count("Detached:") == 2


def test_the_highlighted_narrative_is_drawn_again_only_when_what_it_shows_changed(
    client, scenario, contributor, editor, monkeypatch
):
    """Kept under what it is made of: an annotation quoting nothing leaves it be; a quote, an edit to a
    quoting annotation (its preview), its author's new name, or an editor's rewrite draw it again."""
    from diplomacy.annotations import thread

    drawn = []
    monkeypatch.setattr(thread, "render_narrative", lambda *args: drawn.append(args) or render_narrative(*args))
    words = "The first paragraph"
    quoting = make_annotation(scenario, contributor, body="About the opening", quote=words)

    def highlights(person) -> tuple[int, str]:
        client.force_login(person) if person else client.logout()
        before = len(drawn)
        page = visit(client, scenario.get_absolute_url()).text
        return len(drawn) - before, page

    assert highlights(None)[0] == 1
    make_annotation(scenario, editor, body="Quotes nothing")
    count, page = highlights(None)
    assert count == 0 and "Quotes nothing" in page and "About the opening" in page
    quoting.edit(body="A new preview")
    count, page = highlights(User.objects.create_user("reader"))  # signed in: the same shared parts
    assert count == 1 and "A new preview" in narrative(page)  # the highlight's preview
    contributor.username = "renamed"
    contributor.save()
    count, page = highlights(None)
    assert count == 1 and "· renamed: A new preview" in narrative(page)
    make_annotation(scenario, editor, body="Quotes more", quote="The second paragraph")
    count, page = highlights(None)
    assert count == 1 and narrative(page).count('class="passage"') == 2
    scenario.narrative = "Rewritten from the first word to the last."
    scenario.save()
    count, page = highlights(None)
    assert count == 1 and 'class="passage"' not in narrative(page)


def narrative(page: str) -> str:
    """The scenario page up to its annotations: the narrative, with its highlights."""
    return page.split('id="annotations"', 1)[0]


def test_every_part_of_a_key_changes_it(rf, monkeypatch):
    request = rf.get("/")
    base = key(request, "page", ["editorial"], "a")
    assert key(rf.get("/"), "page", ["editorial"], "a") == base
    assert key(rf.get("/"), "fragment", ["editorial"], "a") != base  # what is cached
    assert key(rf.get("/"), "page", ["topic:trade"], "a") != base  # which scope
    assert key(rf.get("/"), "page", ["editorial"], "b") != base  # the other parts
    Version.bump(["editorial"])
    assert key(rf.get("/"), "page", ["editorial"], "a") != base  # the scope's token
    assert key(request, "page", ["editorial"], "a") == base  # read once per request
    monkeypatch.setattr("diplomacy.core.cache.RELEASE", "another-release")
    assert key(request, "page", ["editorial"], "a") != base  # the code that rendered it


def test_a_scenario_added_to_a_topic_shows_at_once(client, topic, outcomes):
    visit(client, topic.get_absolute_url())
    make_scenario(topic=topic, outcome=make_outcome(name="Surprise"), title="A new way")
    assert "A new way" in visit(client, topic.get_absolute_url()).text
