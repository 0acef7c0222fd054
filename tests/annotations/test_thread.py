"""The thread on the scenario page: editor's notes first, order, filter, count, paging, permalinks."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from diplomacy.annotations.models import Annotation
from tests.factories import make_annotation, make_topic_with_scenarios
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


HTMX = {"HX-Request": "true"}


def bodies(response, list_id: str = "thread-list") -> list[str]:
    """The bodies of the annotations in one list of the page, in order."""
    section = response.text.split(f'id="{list_id}"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<div class="annotation-body"><p>(.*?)</p>', section)


def thread_url(scenario) -> str:
    return reverse("annotations", args=[scenario.topic.slug, scenario.slug])


def at(minutes_ago: int):
    return timezone.now() - timedelta(minutes=minutes_ago)


@pytest.fixture
def thread(scenario, contributor, other_contributor, editor):
    make_annotation(scenario, contributor, body="old note", created_at=at(30))
    make_annotation(scenario, other_contributor, body="middle question", kind="question", created_at=at(20))
    make_annotation(scenario, contributor, body="new evidence", kind="evidence", created_at=at(10))
    make_annotation(scenario, editor, body="a note from the editors", kind="editors-note", created_at=at(5))
    return scenario


def test_editors_notes_come_first_and_apart_then_newest_first(client, thread):
    response = client.get(thread.get_absolute_url())
    assert bodies(response, "editors-notes-list") == ["a note from the editors"]
    assert bodies(response) == ["new evidence", "middle question", "old note"]
    text = response.text
    assert text.index("a note from the editors") < text.index("new evidence")
    assert 'id="annotation-count" class="count">4<' in text


def test_readers_can_read_oldest_first_and_filter_by_kind(client, thread):
    assert bodies(client.get(thread.get_absolute_url(), {"order": "oldest"})) == [
        "old note",
        "middle question",
        "new evidence",
    ]
    assert bodies(client.get(thread.get_absolute_url(), {"kind": "question"})) == ["middle question"]


@pytest.mark.parametrize("query", ["kind=poem", "order=sideways", "page=x", "page=-1", "kind=editors-note"])
def test_odd_thread_parameters_are_ignored(client, thread, query):
    response = client.get(f"{thread.get_absolute_url()}?{query}")
    assert response.status_code == 200
    assert len(bodies(response)) == 3


def test_the_thread_has_its_own_address_which_htmx_asks_when_filtering(client, thread):
    response = client.get(thread_url(thread), {"kind": "evidence"}, headers=HTMX)
    assert response.text.lstrip().startswith('<div id="thread"')
    assert "new evidence" in response.text and "old note" not in response.text
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]
    # The address bar shows the scenario page in that state, which renders the same thread.
    assert response["HX-Push-Url"] == f"{thread.get_absolute_url()}?kind=evidence"
    page = client.get(response["HX-Push-Url"])
    assert bodies(page) == ["new evidence"]
    assert f'data-hx-get="{thread_url(thread)}"' in page.text


def test_a_plain_visit_to_the_threads_address_goes_to_its_place_on_the_scenario_page(client, thread):
    response = client.get(thread_url(thread), {"kind": "question", "order": "oldest", "page": "2", "odd": "x"})
    assert response.status_code == 302
    assert response["Location"] == f"{thread.get_absolute_url()}?kind=question&order=oldest&page=2#annotations"
    assert client.get(thread_url(thread))["Location"] == f"{thread.get_absolute_url()}#annotations"


def test_the_thread_is_paged_and_load_more_brings_the_next_page(client, scenario, contributor):
    for n in range(25):
        make_annotation(scenario, contributor, body=f"note {n:02}", created_at=at(100 - n))
    first = client.get(scenario.get_absolute_url())
    assert len(bodies(first)) == 20
    assert bodies(first)[0] == "note 24"
    assert f'href="{scenario.get_absolute_url()}?page=2#annotations"' in first.text
    assert f'data-hx-get="{thread_url(scenario)}?page=2"' in first.text
    more = client.get(thread_url(scenario), {"page": 2}, headers=HTMX)
    assert bodies(more) == [f"note {n:02}" for n in (4, 3, 2, 1, 0)]
    assert "Load more" not in more.text
    assert "HX-Push-Url" not in more  # "load more" adds to the page; the address stays
    plain = client.get(scenario.get_absolute_url(), {"page": 2})
    assert bodies(plain) == bodies(more)
    assert "← Newer annotations" in plain.text


def test_a_permalink_leads_to_the_annotation_on_its_page_of_the_thread(client, scenario, contributor):
    oldest = make_annotation(scenario, contributor, body="the oldest", created_at=at(500))
    for n in range(25):
        make_annotation(scenario, contributor, created_at=at(100 - n))
    newest = Annotation.objects.order_by("-created_at").first()
    assert client.get(newest.get_absolute_url())["Location"] == f"{scenario.get_absolute_url()}#annotation-{newest.pk}"
    location = client.get(oldest.get_absolute_url())["Location"]
    assert location == f"{scenario.get_absolute_url()}?page=2#annotation-{oldest.pk}"
    assert "the oldest" in client.get(location.split("#")[0]).text


def test_annotations_on_unpublished_scenarios_are_not_found(client, contributor, outcomes):
    topic = make_topic_with_scenarios(outcomes, is_published=False)
    annotation = make_annotation(topic.scenarios.first(), contributor)
    assert client.get(annotation.get_absolute_url()).status_code == 404


def test_a_detached_quote_is_kept_and_marked(client, scenario, contributor):
    make_annotation(scenario, contributor, quote="a prisoner exchange", body="About swaps")
    scenario.narrative = "The narrative was rewritten entirely."
    scenario.save()
    page = client.get(scenario.get_absolute_url()).text
    assert "About swaps" in page
    assert "Detached: the narrative no longer has these words" in page
    assert "a prisoner exchange" in page


def test_topic_pages_count_each_scenarios_public_annotations(client, scenario, contributor):
    first = make_annotation(scenario, contributor)
    make_annotation(scenario, contributor)
    make_annotation(scenario, contributor, is_public=False)
    make_annotation(scenario, contributor, state="hidden")
    make_annotation(scenario, contributor, deleted_at=timezone.now())
    make_annotation(scenario, contributor, root=first, parent=first, kind="reply")
    page = client.get(scenario.topic.get_absolute_url())
    card = page.text.split(f'id="scenario-{scenario.slug}"', 1)[1].split("</li>", 1)[0]
    assert ">2 annotations</a>" in card
    assert page.text.count(">0 annotations</a>") == scenario.topic.scenarios.count() - 1
    assert "stand-in-" not in page.text  # every count filled in


def test_the_scenario_page_runs_the_same_queries_with_1000_annotations(client, scenario, contributor, editor):
    make_annotation(scenario, contributor, quote="a prisoner exchange")
    make_annotation(scenario, editor, kind="editors-note")
    client.force_login(contributor)
    few = count_queries(client, scenario.get_absolute_url())
    Annotation.objects.bulk_create(
        Annotation(
            scenario=scenario,
            author=contributor if n % 2 else editor,
            body=f"note {n}",
            body_html=f"<p>note {n}</p>",
            quote="sanctions stay in place" if n % 3 == 0 else "",
            kind="editors-note" if n % 100 == 0 else "note",
            is_public=n % 7 != 0,
        )
        for n in range(1000)
    )
    assert count_queries(client, scenario.get_absolute_url()) == few
    assert count_queries(client, scenario.get_absolute_url() + "?page=3&kind=note&order=oldest") == few


def test_each_reader_sees_the_highlights_of_what_they_may_read_whoever_came_first(
    client, scenario, contributor, other_contributor, editor
):
    """The highlights every reader shares are drawn once and cached; each reader's own come on top."""
    shared = make_annotation(scenario, other_contributor, quote="a prisoner exchange")
    private = make_annotation(scenario, contributor, quote="Working groups", is_public=False)
    hidden = make_annotation(scenario, other_contributor, quote="sanctions stay", state="hidden")

    def highlighted(user=None) -> set[int]:
        client.logout()
        if user:
            client.force_login(user)
        page = client.get(scenario.get_absolute_url()).text
        return {a.pk for a in (shared, private, hidden) if f'id="passage-{a.pk}"' in page}

    assert highlighted(contributor) == {shared.pk, private.pk}  # first, so a leak would show below
    assert highlighted() == {shared.pk}
    assert highlighted(editor) == {shared.pk, hidden.pk}
    assert highlighted(other_contributor) == {shared.pk, hidden.pk}
    assert highlighted() == {shared.pk}


def test_a_new_quote_is_highlighted_for_every_reader_at_once(client, scenario, contributor):
    client.get(scenario.get_absolute_url())  # the shared highlights are now cached
    quote = make_annotation(scenario, contributor, quote="a wider ceasefire")
    assert f'id="passage-{quote.pk}"' in client.get(scenario.get_absolute_url()).text
