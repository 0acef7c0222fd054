"""The what-if pages: the canonical address, the plain form and htmx, the preview image, bad input,
the bounded cache, and who sees what."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from diplomacy.core.cache import KEPT
from diplomacy.scenarios.models import Factor
from diplomacy.whatif import model
from diplomacy.whatif.views import CACHED_MOVED_AT_MOST
from tests.factories import make_factor, make_influence, make_scenario, make_topic
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(outcomes):
    """Arms control (30/40/20/10) with three forces, Climate (50/50 over two outcomes) sharing one of
    them, a force acting on Climate only, and a draft scenario editors alone see."""
    arms = make_topic(slug="arms", title="Arms control")
    scenarios = {
        outcome.slug: make_scenario(topic=arms, outcome=outcome, slug=f"arms-{n}", likelihood=likelihood)
        for n, (outcome, likelihood) in enumerate(zip(outcomes, [30, 40, 20, 10], strict=True))
    }
    climate = make_topic(slug="climate", title="Climate")
    deal, stall = (
        make_scenario(topic=climate, outcome=o, slug=f"climate-{o.slug}", likelihood=50) for o in outcomes[:2]
    )
    congress = make_factor(slug="congress", name="Congress", order=1)
    trust = make_factor(slug="lack-of-trust", name="Lack of trust", order=2)
    treaties = make_factor(slug="expiring-treaties", name="Expiring treaties", order=3)
    heat = make_factor(slug="heat", name="Heatwaves", order=4)
    first, second, third, fourth = scenarios.values()
    make_influence(first, congress, strength=-2, reason="The Senate must ratify.")
    make_influence(third, congress, strength=2, reason="Sanctions harden.")
    make_influence(first, trust, strength=-1)
    make_influence(fourth, trust, strength=2)
    make_influence(second, treaties, strength=1)
    make_influence(third, treaties, strength=-1)
    make_influence(deal, congress, strength=-1)
    make_influence(stall, congress, strength=1)
    make_influence(deal, heat, strength=1)
    make_influence(stall, trust, strength=1)
    return {"arms": arms, "climate": climate, "scenarios": list(scenarios.values())}


def url(topic="arms", query=""):
    return reverse("whatif_topic", kwargs={"topic": topic}) + (f"?{query}" if query else "")


def shown_numbers(html: str) -> list[tuple[int, int, str]]:
    """(editors, shifted, difference) of each outcome the result shows, in order."""
    rows = re.findall(
        r'<span class="shift-numbers"><span class="visually-hidden">Editors: </span>(\d+)&thinsp;% → '
        r'<strong><span class="visually-hidden">with these forces: </span>(\d+)&thinsp;%</strong></span>\s*'
        r'<span class="shift-difference[^"]*">([^<]+)</span>',
        html,
    )
    return [(int(editors), int(shifted), difference) for editors, shifted, difference in rows]


def checked(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="radio" name="([\w-]+)" value="(-?\d)" checked>', html))


def expected(world, settings):
    pks = [s.pk for s in world["scenarios"]]
    editors = dict(zip(pks, [30, 40, 20, 10], strict=True))
    influences = {
        "congress": {pks[0]: -2, pks[2]: 2},
        "lack-of-trust": {pks[0]: -1, pks[3]: 2},
        "expiring-treaties": {pks[1]: 1, pks[2]: -1},
    }
    return list(model.whole(model.shifted(editors, influences, settings)).values())


def test_the_bare_page_is_the_editors_view_with_every_force_at_zero(client, world):
    response = client.get(url())
    html = response.content.decode()
    assert response.status_code == 200
    assert shown_numbers(html) == [
        (30, 30, "no change"),
        (40, 40, "no change"),
        (20, 20, "no change"),
        (10, 10, "no change"),
    ]
    assert checked(html) == {"congress": "0", "lack-of-trust": "0", "expiring-treaties": "0"}
    assert 'name="heat"' not in html  # acts on Climate only
    for value in ["much weaker", "weaker", "as the editors see it", "stronger", "much stronger"]:
        assert html.count(f"<span>{value}</span>") == 3
    assert '<link rel="canonical" href="http://127.0.0.1:8000/topics/arms/what-if/">' in html
    assert 'content="http://127.0.0.1:8000/topics/arms/what-if/preview.png"' in html
    assert "The Senate must ratify." in html  # each force's reasons


def test_a_canonical_address_shows_the_shifted_outcomes_and_carries_them_in_its_meta(client, world):
    query = "congress=1&lack-of-trust=-2"
    html = client.get(url(query=query)).content.decode()
    numbers = expected(world, {"congress": 1, "lack-of-trust": -2})
    assert [shifted for _, shifted, _ in shown_numbers(html)] == numbers
    assert sum(numbers) == 100 and numbers != [30, 40, 20, 10]
    first = shown_numbers(html)[0]
    assert first[2] == model_points(first[1] - first[0])
    assert checked(html) == {"congress": "1", "lack-of-trust": "-2", "expiring-treaties": "0"}
    assert (
        f'<link rel="canonical" href="http://127.0.0.1:8000/topics/arms/what-if/?{query.replace("&", "&amp;")}">'
        in html
    )
    assert f'content="http://127.0.0.1:8000/topics/arms/what-if/preview.png?{query.replace("&", "&amp;")}"' in html
    assert "Congress: stronger" in html and "Lack of trust: much weaker" in html
    assert "Congress stronger; Lack of trust much weaker Breakthrough 30 → " in html  # what a shared link says


def test_one_force_a_step_either_way_is_asked_in_its_own_words(client, world):
    Factor.objects.filter(slug="congress").update(weaker="Congress resists less")
    html = client.get(url(query="congress=-1")).content.decode()
    assert '<meta name="description" content="What if Congress resists less? Breakthrough 30 → ' in html
    html = client.get(url(query="congress=1")).content.decode()
    assert "What if Congress counted for more? Breakthrough 30 → " in html


def model_points(difference: int) -> str:
    return (
        "no change"
        if not difference
        else f"{'+' if difference > 0 else '−'}{abs(difference)} point{'s' if abs(difference) != 1 else ''}"
    )


def test_the_same_address_loaded_fresh_shows_the_same(world):
    first = Client().get(url(query="congress=2&expiring-treaties=-1")).content.decode()
    cache.clear()
    KEPT.values.clear()
    second = Client().get(url(query="congress=2&expiring-treaties=-1")).content.decode()
    assert shown_numbers(first) == shown_numbers(second) != []
    assert checked(first) == checked(second)


def test_the_plain_form_goes_to_the_canonical_address(client, world):
    """Without JavaScript the form sends every force, zeros too, in its own order."""
    response = client.get(url(query="expiring-treaties=0&lack-of-trust=1&congress=-2"))
    assert response.status_code == 302
    assert response["Location"] == url(query="congress=-2&lack-of-trust=1")
    assert client.get(url(query="congress=0&lack-of-trust=0&expiring-treaties=0"))["Location"] == url()


def test_htmx_gets_the_result_alone_and_the_canonical_address_to_show(client, world):
    response = client.get(url(query="lack-of-trust=1&congress=0&expiring-treaties=0"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="whatif-result">')
    assert "<html" not in html and 'name="congress"' not in html
    assert response["HX-Push-Url"] == url(query="lack-of-trust=1")
    assert "HX-Request" in response["Vary"]
    assert [shifted for _, shifted, _ in shown_numbers(html)] == expected(world, {"lack-of-trust": 1})


def test_the_form_is_a_get_form_htmx_enhances(client, world):
    html = client.get(url()).content.decode()
    form = re.search(r'<form class="whatif-controls"[^>]*>', html).group(0)
    assert 'method="get" action="/topics/arms/what-if/"' in form
    assert 'data-hx-get="/topics/arms/what-if/"' in form and 'data-hx-target="#whatif-result"' in form
    assert '<button class="button" type="submit">Show the result</button>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("nonsense=1", "“nonsense” is not one of the forces here, so it was ignored."),
        ("congress=5", "Congress is set from −2 to 2, not “5”, so it is left as the editors see it."),
        ("congress=much", "Congress is set from −2 to 2, not “much”, so it is left as the editors see it."),
        ("congress=1&congress=2", "Congress was set more than once, so it is left as the editors see it."),
        ("heat=2", "Heatwaves does not act on Arms control, so setting it changes nothing here."),
        ("%3Cscript%3Ealert(1)%3C%2Fscript%3E=1", "“&lt;script&gt;alert(1)&lt;/script&gt;” is not one of the forces"),
    ],
)
def test_bad_input_is_ignored_with_a_message_and_the_rest_kept(client, world, query, message):
    response = client.get(url(query=f"{query}&lack-of-trust=2"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Part of this address was ignored:" in html and message in html
    assert "<script>alert" not in html
    assert [shifted for _, shifted, _ in shown_numbers(html)] == expected(world, {"lack-of-trust": 2})
    assert '<link rel="canonical" href="http://127.0.0.1:8000/topics/arms/what-if/?lack-of-trust=2">' in html


TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(["congress", "lack-of-trust", "expiring-treaties", "heat"]) | TEXT,
        st.lists(st.sampled_from(["-2", "-1", "0", "1", "2", "3", "−1", " 2"]) | TEXT, max_size=3),
        max_size=6,
    ),
    topic=st.sampled_from(["arms", "climate", "nowhere"]),
    htmx=st.booleans(),
)
def test_any_address_answers_without_a_server_error(world, params, topic, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    for path in [url(topic), url(topic).replace("what-if/", "what-if/preview.png"), reverse("whatif")]:
        response = Client().get(path, params, headers=headers)
        assert response.status_code in (200, 302, 404), f"{path} {params}: {response.status_code}"


def test_unknown_and_unpublished_topics_are_404_but_editors_preview_drafts(client, world, editor):
    assert client.get(url("nowhere")).status_code == 404
    world["arms"].is_published = False
    world["arms"].save()
    assert client.get(url()).status_code == 404
    assert client.get(url().replace("what-if/", "what-if/preview.png")).status_code == 404
    client.force_login(editor)
    html = client.get(url()).content.decode()
    assert "Unpublished: only editors can see this topic." in html


def test_an_editor_then_a_reader_at_the_same_address(client, world, editor, outcomes):
    """The draft scenario (a fifth outcome) shows to the editor only, cached or not."""
    extra = outcomes[0].__class__.objects.create(name="Draft outcome", slug="draft-outcome", order=9)
    draft = make_scenario(topic=world["arms"], outcome=extra, slug="draft", is_published=False, likelihood=None)
    make_influence(draft, make_factor(slug="secret-talks", name="Secret talks", order=9), strength=1)
    make_influence(draft, Factor.objects.get(slug="congress"), strength=-1, reason="Drafted in secret.")
    client.force_login(editor)
    as_editor = client.get(url(query="congress=1")).content.decode()
    assert "Draft outcome" in as_editor and 'name="secret-talks"' in as_editor
    assert "nothing to move yet: the editors have not estimated every outcome" in as_editor  # the draft
    as_reader = Client().get(url(query="congress=1")).content.decode()
    assert "Draft outcome" not in as_reader and "Secret talks" not in as_reader
    assert "Drafted in secret." in as_editor and "Drafted in secret." not in as_reader  # Congress's reasons
    assert [shifted for _, shifted, _ in shown_numbers(as_reader)] == expected(world, {"congress": 1})


def test_an_editors_change_shows_at_once_at_a_cached_address(world):
    reader = Client()
    before = shown_numbers(reader.get(url(query="congress=1")).content.decode())
    first, second = world["scenarios"][:2]
    first.likelihood, second.likelihood = 40, 30
    first.save()
    second.save()
    after = shown_numbers(reader.get(url(query="congress=1")).content.decode())
    assert [editors for editors, _, _ in before] == [30, 40, 20, 10]
    assert [editors for editors, _, _ in after] == [40, 30, 20, 10]


def test_two_addresses_in_sequence_show_their_own_settings(world):
    """Each bounded address is cached under its own settings, the page and its preview alike."""
    reader = Client()
    first = reader.get(url(query="congress=2")).content.decode()
    second = reader.get(url(query="congress=-2")).content.decode()
    assert shown_numbers(first) != shown_numbers(second)
    assert [shifted for _, shifted, _ in shown_numbers(second)] == expected(world, {"congress": -2})
    preview = url().replace("what-if/", "what-if/preview.png")
    assert reader.get(f"{preview}?congress=2").content != reader.get(f"{preview}?congress=-2").content


def test_a_topic_not_fully_estimated_says_so(client, world):
    last = world["scenarios"][-1]
    last.likelihood = None
    last.save()
    html = client.get(url(query="congress=1")).content.decode()
    assert "There is nothing to move yet: the editors have not estimated every outcome of this topic yet." in html
    assert shown_numbers(html) == []


def test_published_numbers_that_do_not_add_up_say_so(client, world, outcomes):
    """A draft outcome holds 10 points: what readers see adds up to 90, which cannot be moved."""
    extra = outcomes[0].__class__.objects.create(name="Draft outcome", slug="draft-outcome", order=9)
    make_scenario(topic=world["arms"], outcome=extra, slug="draft", is_published=False, likelihood=10)
    first = world["scenarios"][0]
    first.likelihood = 20
    first.save()
    html = client.get(url(query="congress=1")).content.decode()
    assert "There is nothing to move yet: the estimates add up to 90 %, not 100 %." in html
    matrix = client.get(reverse("whatif") + "?congress=1").content.decode()
    assert "Not moved: Arms control (the estimates add up to 90 %, not 100 %)." in matrix


def test_a_renamed_topic_sends_its_what_ifs_on_with_their_settings(client, world):
    arms = world["arms"]
    arms.slug = "arms-control"
    arms.save()
    response = client.get(url("arms", "congress=1"))
    assert response.status_code == 301 and response["Location"] == "/topics/arms-control/what-if/?congress=1"
    preview = client.get("/topics/arms/what-if/preview.png?congress=1")
    assert preview["Location"] == "/topics/arms-control/what-if/preview.png?congress=1"
    assert client.get(url("never-was")).status_code == 404


def test_only_bounded_addresses_are_cached(client, world):
    """Canonical addresses with at most CACHED_MOVED_AT_MOST forces moved are cached; inventing any
    other address (more forces moved, or anything ignored) stores nothing."""
    preview = url().replace("what-if/", "what-if/preview.png")
    client.get(url())
    client.get(preview)
    before = set(cache._cache)  # type: ignore[attr-defined]  # LocMemCache
    three = [
        f"congress={a}&lack-of-trust={b}&expiring-treaties={c}"
        for a in (-2, -1, 1, 2)
        for b in (-1, 1)
        for c in (-2, 2)
    ]
    for n, query in enumerate(three):
        for address in [
            url(query=query),
            url(query=f"junk{n}=1"),
            url(query=f"congress=1&x={n}"),
            f"{preview}?{query}",
        ]:
            assert client.get(address).status_code == 200
    assert set(cache._cache) == before  # type: ignore[attr-defined]
    assert client.get(url(query="congress=1&lack-of-trust=1")).status_code == 200  # two moved: not stored
    assert set(cache._cache) == before  # type: ignore[attr-defined]
    client.get(url(query="congress=1"))  # one moved, as the topic page links to it: stored
    client.get(f"{preview}?congress=1")
    assert len(set(cache._cache) - before) == 2  # type: ignore[attr-defined]
    assert CACHED_MOVED_AT_MOST == 1  # so the stored what-ifs of a topic number 1 + 4 x its forces


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_only_stored_what_ifs_may_be_kept_by_caches_in_front(client, world, contributor):
    """nginx keeps what is public: the stored what-ifs for anonymous readers, nothing invented."""
    assert "public" in client.get(url(query="congress=1"))["Cache-Control"]
    assert "public" in client.get(f"{url().replace('what-if/', 'what-if/preview.png')}?congress=1")["Cache-Control"]
    for invented in ["congress=1&lack-of-trust=1", "junk=1", "congress=1&x=2"]:
        assert directives(client.get(url(query=invented))) == {"no-cache", "private"}, invented
    two_moved = client.get(f"{url().replace('what-if/', 'what-if/preview.png')}?congress=1&lack-of-trust=1")
    assert directives(two_moved) == {"no-cache", "private"}
    client.cookies["messages"] = "a message waiting for this reader"
    assert "public" not in client.get(url(query="congress=1"))["Cache-Control"]
    del client.cookies["messages"]
    client.force_login(contributor)
    assert directives(client.get(url(query="congress=1"))) == {"no-cache", "private"}


def test_the_preview_image_shows_the_shifted_bars(client, world):
    preview = url().replace("what-if/", "what-if/preview.png")
    plain, moved = client.get(preview), client.get(f"{preview}?congress=2")
    assert plain.status_code == moved.status_code == 200
    assert plain["Content-Type"] == "image/png"
    assert Image.open(BytesIO(moved.content)).size == (1200, 630)
    assert plain.content != moved.content
    ignored = client.get(f"{preview}?congress=0&nonsense=1")  # an image cannot say what it ignored: it goes
    assert (ignored.status_code, ignored["Location"]) == (302, preview)
    assert "public" in moved["Cache-Control"]


def test_queries_stay_the_same_as_forces_and_topics_grow(client, world, outcomes):
    small = count_queries(client, url(query="congress=1"))
    matrix_small = count_queries(client, reverse("whatif") + "?congress=1")
    for n in range(6):
        factor = make_factor(slug=f"more-{n}", order=10 + n)
        for scenario in world["scenarios"][:2]:
            make_influence(scenario, factor, strength=1 if scenario is world["scenarios"][0] else -1)
        topic = make_topic(slug=f"topic-{n}")
        for outcome in outcomes:
            make_influence(make_scenario(topic=topic, outcome=outcome, likelihood=25), factor)
    assert count_queries(client, url(query="congress=1")) == small
    assert count_queries(client, reverse("whatif") + "?congress=1") == matrix_small


# /what-if/: every topic at once


def test_the_matrix_offers_the_forces_acting_across_topics_and_shifts_every_topic(client, world):
    assert (
        client.get(reverse("whatif") + "?lack-of-trust=2&congress=-1")["Location"]
        == "/what-if/?congress=-1&lack-of-trust=2"
    )
    html = client.get(reverse("whatif") + "?congress=-1&lack-of-trust=2").content.decode()
    assert checked(html) == {"congress": "-1", "lack-of-trust": "2"}  # the two crossing forces
    assert 'name="heat"' not in html and 'name="expiring-treaties"' not in html
    arms = expected(world, {"congress": -1, "lack-of-trust": 2})
    cells = re.findall(r'<span class="cell-value">(\d+)&thinsp;%</span>', html)
    assert [int(value) for value in cells[:4]] == arms
    assert 'href="/topics/arms/what-if/?congress=-1&amp;lack-of-trust=2"' in html
    assert 'href="/topics/climate/what-if/?congress=-1&amp;lack-of-trust=2"' in html
    assert (
        'Acts on <a href="/topics/arms/what-if/">Arms control</a> and <a href="/topics/climate/what-if/">Climate</a>.'
        in html
    )


def test_the_matrix_ignores_forces_of_one_topic_with_a_message_and_answers_htmx(client, world):
    html = client.get(reverse("whatif") + "?heat=1&congress=1").content.decode()
    assert "Heatwaves acts on one topic at most, so it is not on this page" in html
    response = client.get(reverse("whatif") + "?congress=1&lack-of-trust=0", headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == reverse("whatif") + "?congress=1"
    assert response.content.decode().lstrip().startswith('<div id="whatif-result">')


def test_the_matrix_preview_shows_each_topics_most_moved_outcome(client, world):
    html = client.get(reverse("whatif") + "?congress=2").content.decode()
    assert 'content="http://127.0.0.1:8000/what-if/preview.png?congress=2"' in html
    plain = client.get(reverse("whatif_preview"))
    moved = client.get(reverse("whatif_preview") + "?congress=2")
    assert plain.status_code == moved.status_code == 200 and moved["Content-Type"] == "image/png"
    assert Image.open(BytesIO(moved.content)).size == (1200, 630)
    assert plain.content != moved.content
    assert client.get(reverse("whatif_preview") + "?heat=2&junk=1")["Location"] == reverse("whatif_preview")


def test_a_topic_no_force_acts_on_says_so_and_any_setting_is_ignored(client, world, outcomes):
    quiet = make_topic(slug="quiet", title="Quiet topic")
    for outcome in outcomes:
        make_scenario(topic=quiet, outcome=outcome, likelihood=25)
    html = client.get(url("quiet", "congress=1")).content.decode()
    assert "No forces act on these outcomes yet." in html
    assert "Congress does not act on Quiet topic, so setting it changes nothing here." in html
    assert [shifted for _, shifted, _ in shown_numbers(html)] == [25, 25, 25, 25]
