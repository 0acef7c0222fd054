"""Compare: two to four scenarios side by side, named in the URL."""

import pytest

from tests.factories import make_scenario, make_topic, make_topic_with_scenarios

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenarios(outcomes):
    return list(make_topic_with_scenarios(outcomes).scenarios.order_by("outcome__order"))


def compare(client, *refs: str):
    return client.get("/compare/", {"s": list(refs)})


@pytest.mark.parametrize("count", [2, 3, 4])
def test_it_shows_two_to_four_scenarios_side_by_side_in_the_order_given(client, scenarios, count):
    picked = list(reversed(scenarios))[:count]
    response = compare(client, *(s.ref for s in picked))
    assert response.status_code == 200
    assert response.context["scenarios"] == picked
    assert response.text.count('class="compare-col"') == count
    for scenario in picked:
        assert scenario.title in response.text
        assert scenario.influences.get().reason in response.text


def test_it_refuses_more_than_four_with_a_message(client, scenarios):
    extra = make_scenario(topic=make_topic())
    response = compare(client, *(s.ref for s in scenarios), extra.ref)
    assert response.status_code == 400
    assert "Compare at most 4 scenarios at once" in response.text


def test_unknown_and_malformed_names_are_left_out_and_listed(client, scenarios):
    response = compare(client, scenarios[0].ref, "atlantis/deal", "no-slash", scenarios[1].ref)
    assert response.status_code == 200
    assert response.context["scenarios"] == scenarios[:2]
    assert "Not found, so left out" in response.text
    assert "<code>atlantis/deal</code>" in response.text


def test_a_repeated_name_counts_once(client, scenarios):
    response = compare(client, scenarios[0].ref, scenarios[0].ref, scenarios[1].ref)
    assert response.context["scenarios"] == scenarios[:2]


@pytest.mark.parametrize("refs", [(), ("one/only",)])
def test_fewer_than_two_asks_the_reader_to_pick_more(client, scenarios, refs):
    response = compare(client, *refs)
    assert response.status_code == 200
    assert "Pick at least two scenarios to compare" in response.text


def test_unpublished_scenarios_cannot_be_compared(client, scenarios):
    draft = make_scenario(topic=make_topic(), is_published=False)
    response = compare(client, scenarios[0].ref, draft.ref)
    assert response.context["scenarios"] == [scenarios[0]]
    assert draft.title not in response.text
