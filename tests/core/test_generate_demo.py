"""generate_demo: synthetic content at a small scale, counted, idempotent, removable without touching the rest."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from diplomacy.annotations.models import Annotation
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Topic
from tests.factories import make_annotation, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
SCALE = "0.002"  # 1 topic of 10 scenarios, 1 factor, 20 users, 2,000 annotations


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def demo_counts() -> dict[str, int]:
    return {
        "topics": Topic.objects.filter(slug__startswith="demo-").count(),
        "scenarios": Scenario.objects.filter(topic__slug__startswith="demo-").count(),
        "factors": Factor.objects.filter(slug__startswith="demo-").count(),
        "users": User.objects.filter(username__startswith="demo-").count(),
        "annotations": Annotation.objects.filter(author__username__startswith="demo-").count(),
    }


@pytest.fixture
def real_content(outcomes, contributor):
    topic = make_topic_with_scenarios(outcomes, title="Real topic")
    make_annotation(topic.scenarios.first(), contributor, body="A real annotation")
    return topic


def test_it_makes_content_in_proportion_to_the_scale(real_content):
    output = generate("--scale", SCALE)
    assert demo_counts() == {"topics": 1, "scenarios": 10, "factors": 1, "users": 20, "annotations": 2000}
    assert "2,000 annotations" in output
    topic = Topic.objects.get(slug__startswith="demo-")
    assert topic.is_published
    assert Outcome.objects.count() == 10  # the four real ones, and six demo ones to make ten
    assert sum(s.likelihood for s in topic.scenarios.all()) <= 100
    assert Influence.objects.filter(scenario__topic=topic).count() == 10
    quoted = Annotation.objects.exclude(quote="").filter(author__username__startswith="demo-").first()
    assert quoted.quote in quoted.scenario.narrative
    assert Annotation.objects.filter(author__username__startswith="demo-", is_public=False).exists()


def test_every_scenario_gets_a_mix_of_annotations_like_a_real_one():
    """Benchmarks read one demo scenario as a typical one: none may have only private ones, say."""
    generate("--scale", SCALE)
    for scenario in Scenario.objects.filter(topic__slug__startswith="demo-"):
        annotations = scenario.annotations.all()
        assert annotations.for_everyone().count() > 150, scenario
        assert annotations.filter(is_public=False).exists(), scenario
        assert annotations.exclude(quote="").exists(), scenario
        assert annotations.values("kind").distinct().count() >= 4, scenario
        assert annotations.values("author").distinct().count() >= 15, scenario


def test_running_it_again_adds_nothing(real_content):
    generate("--scale", SCALE)
    before = demo_counts()
    generate("--scale", SCALE)
    assert demo_counts() == before


def test_an_interrupted_run_is_completed_by_the_next(real_content):
    generate("--scale", SCALE)
    doomed = list(Annotation.objects.filter(author__username__startswith="demo-").values_list("pk", flat=True)[:700])
    Annotation.objects.filter(pk__in=doomed).delete()
    generate("--scale", SCALE)
    assert demo_counts()["annotations"] == 2000


def test_remove_takes_away_every_demo_row_and_nothing_else(real_content, contributor):
    generate("--scale", SCALE)
    output = generate("--remove")
    assert demo_counts() == {"topics": 0, "scenarios": 0, "factors": 0, "users": 0, "annotations": 0}
    assert "Removed the demo content (2,000 annotations)" in output
    assert Topic.objects.get().title == "Real topic"
    assert Scenario.objects.count() == 4
    assert Outcome.objects.count() == 4
    assert Annotation.objects.get().body == "A real annotation"
    assert User.objects.filter(pk=contributor.pk).exists()


def test_a_silly_scale_is_refused():
    with pytest.raises(CommandError, match="--scale"):
        generate("--scale", "0")
