"""The data model's rules hold in the database, not only in forms."""

import pytest
from django.db import IntegrityError, transaction

from diplomacy.scenarios.models import Influence, Scenario, Topic
from tests.factories import make_factor, make_influence, make_outcome, make_scenario, make_topic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [0, 55, 100, None])
def test_it_accepts_likelihoods_from_0_to_100_or_none(value):
    scenario = make_scenario(likelihood=value)
    scenario.refresh_from_db()
    assert scenario.likelihood == value


@pytest.mark.parametrize("value", [101, 140])
def test_the_database_refuses_a_likelihood_over_100(value):
    scenario = make_scenario()
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=scenario.pk).update(likelihood=value)


def test_the_database_refuses_a_negative_likelihood():
    scenario = make_scenario()
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=scenario.pk).update(likelihood=-1)


def test_scenario_slugs_are_unique_within_a_topic_only():
    topic, other_topic = make_topic(), make_topic()
    make_scenario(topic=topic, slug="deal")
    make_scenario(topic=other_topic, slug="deal")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_scenario(topic=topic, slug="deal")


def test_a_topic_has_one_scenario_per_outcome():
    topic, outcome = make_topic(), make_outcome()
    make_scenario(topic=topic, outcome=outcome)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_scenario(topic=topic, outcome=outcome)


def test_topic_slugs_are_unique():
    make_topic(slug="trade")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_topic(slug="trade")


@pytest.mark.parametrize("strength", [0, 3, -3])
def test_an_influence_has_a_signed_strength_of_one_or_two(strength):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_influence(make_scenario(), strength=strength)


def test_a_factor_influences_a_scenario_once():
    scenario, factor = make_scenario(), make_factor()
    make_influence(scenario, factor)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_influence(scenario, factor)


def test_influence_knows_whether_it_helps():
    scenario = make_scenario()
    assert make_influence(scenario, strength=Influence.Strength.STRONGLY_HELPS).helps
    assert not make_influence(scenario, strength=Influence.Strength.HURTS).helps


def test_pages_have_absolute_urls():
    scenario = make_scenario(topic=make_topic(slug="ukraine"), slug="ceasefire")
    assert scenario.topic.get_absolute_url() == "/topics/ukraine/"
    assert scenario.get_absolute_url() == "/topics/ukraine/ceasefire/"


def test_published_scenarios_need_a_published_topic():
    shown = make_scenario()
    make_scenario(is_published=False)
    hidden_topic = make_topic(is_published=False)
    make_scenario(topic=hidden_topic)
    assert list(Scenario.objects.published()) == [shown]
    assert hidden_topic not in Topic.objects.published()


def test_signposts_are_one_per_line():
    scenario = make_scenario(signposts="First sign.\n\n  Second sign.  \n")
    assert scenario.signpost_list == ["First sign.", "Second sign."]


def test_topic_and_scenario_changes_are_kept_in_their_history():
    scenario = make_scenario(likelihood=20)
    scenario.likelihood = 35
    scenario.save()
    assert [record.likelihood for record in scenario.history.all()] == [35, 20]
    assert scenario.topic.history.count() == 1
