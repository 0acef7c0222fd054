"""generate_demo: synthetic content at a small scale, counted, idempotent, removable without touching the rest."""

from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from diplomacy.annotations.models import Annotation
from diplomacy.forecasts.models import Community, CommunityVersion, Forecast, ForecastVersion
from diplomacy.notifications.models import Follow, Notification
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Signpost, Topic
from diplomacy.timeline.models import Development, DevelopmentSource, Estimate, Revision, SignpostMark
from tests.factories import make_annotation, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
SCALE = "0.002"  # 1 topic of 10 scenarios, 1 factor, 20 users, 2,000 annotations, 200 replies, 20 estimates (one a user); its history whatever the scale


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
        "annotations": Annotation.objects.filter(author__username__startswith="demo-", root__isnull=True).count(),
        "replies": Annotation.objects.filter(author__username__startswith="demo-", root__isnull=False).count(),
        "follows": Follow.objects.filter(user__username__startswith="demo-").count(),
        "notifications": Notification.objects.filter(recipient__username__startswith="demo-").count(),
        "signposts": Signpost.objects.filter(scenario__topic__slug__startswith="demo-").count(),
        "developments": Development.objects.filter(slug__startswith="demo-").count(),
        "sources": DevelopmentSource.objects.filter(development__slug__startswith="demo-").count(),
        "marks": SignpostMark.objects.filter(development__slug__startswith="demo-").count(),
        "revisions": Revision.objects.filter(topic__slug__startswith="demo-").count(),
        "estimates": Estimate.objects.filter(scenario__topic__slug__startswith="demo-").count(),
        "forecasts": Forecast.objects.filter(reader__username__startswith="demo-").count(),
        "forecast versions": ForecastVersion.objects.filter(forecast__topic__slug__startswith="demo-").count(),
        "communities": Community.objects.filter(topic__slug__startswith="demo-").count(),
        "community versions": CommunityVersion.objects.filter(topic__slug__startswith="demo-").count(),
    }


def no_demo_content() -> dict[str, int]:
    return dict.fromkeys(demo_counts(), 0)


@pytest.fixture
def real_content(outcomes, contributor, editor):
    topic = make_topic_with_scenarios(outcomes, title="Real topic")
    make_annotation(topic.scenarios.first(), contributor, body="A real annotation")
    Signpost.objects.create(scenario=topic.scenarios.first(), text="A real signpost.")
    development = Development.objects.create(title="A real event", happened_on=date(2025, 2, 1), summary="It was.")
    development.topics.add(topic)
    DevelopmentSource.objects.create(development=development, title="A paper", publisher="Press", quote="Words.")
    Revision.record(
        topic, dict.fromkeys(topic.scenarios.values_list("pk", flat=True), 25), reason="Even.", as_of=date(2025, 2, 2)
    )
    Forecast.record(contributor, topic, dict.fromkeys(topic.scenarios.values_list("pk", flat=True), 25), "Even.")
    return topic


def test_it_makes_content_in_proportion_to_the_scale(real_content):
    output = generate("--scale", SCALE)
    counts = demo_counts()
    sources, marks = counts.pop("sources"), counts.pop("marks")
    versions, community_versions = counts.pop("forecast versions"), counts.pop("community versions")
    follows = counts.pop("follows")
    assert counts == {
        "topics": 1,
        "scenarios": 10,
        "factors": 1,
        "users": 20,
        "annotations": 2000,
        "replies": 200,  # a tenth as many
        "notifications": 0,  # bulk inserts write none
        "signposts": 40,
        "developments": 20,
        "revisions": 50,
        "estimates": 500,
        "forecasts": 20,
        "communities": 1,
    }
    assert 20 < sources < 40  # one or two for each development
    assert 0 < marks < 40  # some developments mark a signpost or two
    assert 20 < versions < 40  # some readers revised theirs
    assert 5 < community_versions <= 40  # at most one a day
    assert 10 < follows < 20 * 3  # each user follows the topic or not, and a scenario or two, or none
    assert "2,000 annotations, 200 replies" in output and f"{follows} follows" in output
    assert "20 developments, 50 revisions" in output
    assert "20 reader estimates" in output
    topic = Topic.objects.get(slug__startswith="demo-")
    assert topic.is_published
    assert Outcome.objects.count() == 10  # the four real ones, and six demo ones to make ten
    assert sum(s.likelihood for s in topic.scenarios.all()) == 100
    assert Influence.objects.filter(scenario__topic=topic).count() == 10
    quoted = Annotation.objects.exclude(quote="").filter(author__username__startswith="demo-").first()
    assert quoted.quote in quoted.scenario.narrative
    assert Annotation.objects.filter(author__username__startswith="demo-", is_public=False).exists()


def demo_revisions():
    return Revision.objects.filter(topic__slug__startswith="demo-").chronological().prefetch_related("estimates")


def test_each_revision_is_a_distribution_a_few_points_from_the_one_before():
    generate("--scale", SCALE)
    previous: dict[int, int] | None = None
    for revision in demo_revisions():
        numbers = {e.scenario_id: e.likelihood for e in revision.estimates.all()}
        assert len(numbers) == 10 and sum(numbers.values()) == 100, revision
        assert {e.scenario_id: e.previous for e in revision.estimates.all()} == (previous or dict.fromkeys(numbers))
        if previous:
            assert 0 < sum(abs(numbers[pk] - previous[pk]) for pk in numbers) <= 10, revision
        previous = numbers
    assert len({r.as_of for r in demo_revisions()}) == 50  # on different days


def test_the_latest_revision_is_what_the_scenarios_show():
    generate("--scale", SCALE)
    latest = demo_revisions().last()
    scenarios = Scenario.objects.filter(topic__slug__startswith="demo-")
    assert dict(latest.estimates.values_list("scenario_id", "likelihood")) == dict(
        scenarios.values_list("pk", "likelihood")
    )
    noon = datetime.combine(latest.as_of, time(12), tzinfo=UTC)
    assert set(scenarios.values_list("estimated_at", flat=True)) == {noon}
    assert Revision.objects.filter(topic=latest.topic).order_by("-as_of", "-created_at", "-pk").first() == latest


def test_developments_happened_in_the_past_two_years_and_rest_on_web_sources():
    generate("--scale", SCALE)
    today = timezone.localdate()
    developments = Development.objects.filter(slug__startswith="demo-")
    for development in developments:
        assert today - timedelta(days=730) <= development.happened_on < today, development
        assert list(development.topics.values_list("slug", flat=True)) == ["demo-topic-0001"]
        assert 1 <= development.sources.count() <= 2
        for source in development.sources.all():
            assert source.url.startswith("https://"), source.url
            assert development.happened_on <= source.published_on <= today
            source.full_clean()
        development.full_clean()
    assert developments.filter(is_published=True).count() > developments.count() / 2


def test_revisions_cite_developments_of_their_topic_that_had_happened():
    generate("--scale", SCALE)
    cited = [r for r in demo_revisions() if r.development]
    assert cited
    for revision in cited:
        assert revision.development.topics.filter(pk=revision.topic_id).exists()
        assert revision.development.happened_on <= revision.as_of
        assert revision.development.is_published


def test_signposts_are_items_whose_text_the_scenario_keeps():
    generate("--scale", SCALE)
    for scenario in Scenario.objects.filter(topic__slug__startswith="demo-"):
        items = list(scenario.signpost_items.values_list("text", flat=True))
        assert len(items) == 4
        assert scenario.signpost_list == items
        before = scenario.signposts
        scenario.index_signposts()
        assert scenario.signposts == before


def test_developments_mark_only_signposts_of_their_own_topics():
    generate("--scale", SCALE)
    marks = SignpostMark.objects.filter(development__slug__startswith="demo-").select_related("signpost__scenario")
    assert marks.exists()
    for mark in marks:
        assert mark.development.topics.filter(pk=mark.signpost.scenario.topic_id).exists()
        mark.full_clean()
    assert set(marks.values_list("state", flat=True)) <= {"observed", "contradicted"}


def test_a_demo_topic_made_before_histories_gets_one_on_the_next_run():
    generate("--scale", SCALE)
    topic = Topic.objects.get(slug__startswith="demo-")
    Development.objects.filter(topics=topic).delete()
    Revision.objects.filter(topic=topic).delete()
    Signpost.objects.filter(scenario__topic=topic).delete()  # the text stays, as before signposts were items
    Scenario.objects.filter(pk=topic.scenarios.first().pk).update(likelihood=0)  # numbers that no longer add up
    generate("--scale", SCALE)
    assert sum(topic.scenarios.values_list("likelihood", flat=True)) == 100
    assert demo_revisions().count() == 50
    assert dict(demo_revisions().last().estimates.values_list("scenario_id", "likelihood")) == dict(
        topic.scenarios.values_list("pk", "likelihood")
    )
    for scenario in topic.scenarios.all():
        assert list(scenario.signpost_items.values_list("text", flat=True)) == scenario.signpost_list


def test_each_reader_estimate_is_whole_numbers_adding_to_100_for_the_topics_published_scenarios():
    generate("--scale", SCALE)
    topic = Topic.objects.get(slug__startswith="demo-")
    keys = {str(pk) for pk in Scenario.objects.published().filter(topic=topic).values_list("pk", flat=True)}
    now = timezone.now()
    forecasts = Forecast.objects.filter(topic=topic).prefetch_related("versions")
    assert {f.reader.username for f in forecasts} == set(
        User.objects.filter(username__startswith="demo-").values_list("username", flat=True)
    )
    for forecast in forecasts:
        versions = sorted(forecast.versions.all(), key=lambda version: version.made_at)
        for numbers in [forecast.numbers, *(version.numbers for version in versions)]:
            assert set(numbers) == keys, forecast
            assert all(isinstance(n, int) and 0 <= n <= 100 for n in numbers.values()), numbers
            assert sum(numbers.values()) == 100, numbers
        assert forecast.created_at == versions[0].made_at
        assert (forecast.updated_at, forecast.numbers, forecast.reason) == (
            versions[-1].made_at,
            versions[-1].numbers,
            versions[-1].reason,
        )
        assert now - timedelta(days=730) <= forecast.created_at <= forecast.updated_at <= now


def test_the_stored_community_estimate_is_what_refreshing_it_computes():
    generate("--scale", SCALE)
    topic = Topic.objects.get(slug__startswith="demo-")
    stored = Community.objects.get(topic=topic)
    versions = list(CommunityVersion.objects.filter(topic=topic))
    assert stored.readers == 20 and stored.is_shown
    assert stored.updated_at == Forecast.objects.filter(topic=topic).latest("updated_at").updated_at
    refreshed = Community.refresh(topic)
    assert refreshed.numbers == pytest.approx(stored.numbers)
    assert CommunityVersion.objects.filter(topic=topic).count() == len(versions)  # it showed the same already
    assert (versions[-1].readers, versions[-1].whole) == (stored.readers, stored.whole)


def test_the_community_history_has_a_version_a_day_counting_the_readers_so_far():
    generate("--scale", SCALE)
    topic = Topic.objects.get(slug__startswith="demo-")
    versions = list(CommunityVersion.objects.filter(topic=topic))
    days = [version.made_at.date() for version in versions]
    assert days == sorted(set(days))
    for version in versions:
        so_far = Forecast.objects.filter(topic=topic, created_at__lte=version.made_at).count()
        assert version.readers == so_far
        assert sum(version.whole.values()) == 100
    assert [v.readers for v in versions] == sorted(v.readers for v in versions)


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


def demo_replies():
    return Annotation.objects.filter(author__username__startswith="demo-", root__isnull=False)


def test_replies_answer_public_demo_annotations_or_earlier_replies_in_the_same_thread():
    generate("--scale", SCALE)
    replies = demo_replies().select_related("root", "parent")
    assert replies.count() == 200
    to_replies = 0
    for reply in replies:
        root, parent = reply.root, reply.parent
        assert reply.kind == "reply" and reply.quote == "", reply
        assert root.root_id is None and root.parent_id is None and root.kind != "reply", reply
        assert root.author.username.startswith("demo-") and root.is_for_everyone, reply
        assert reply.scenario_id == root.scenario_id == parent.scenario_id, reply
        assert parent.pk == root.pk or parent.root_id == root.pk, reply  # in the same thread
        assert reply.is_public == root.is_public, reply
        assert reply.created_at > parent.created_at, reply
        assert reply.author_id != parent.author_id, reply
        assert reply.body_html and reply.state == "shown", reply
        to_replies += parent.pk != root.pk
    assert 30 < to_replies < 100  # about 30 %: threads nest
    assert any(r.parent.parent_id and r.parent.parent.parent_id for r in replies)  # three levels at least
    # The thread shows them: each root's replies are the rows it starts.
    root = replies.first().root
    assert set(root.thread_replies.values_list("pk", flat=True)) == set(
        replies.filter(root=root).values_list("pk", flat=True)
    )


def test_it_gives_the_same_replies_and_follows_for_the_same_seed():
    def shape():
        replies = demo_replies().order_by("created_at", "pk")
        return (
            [(r.scenario.slug, r.author.username, r.body, r.parent.author.username, r.parent.kind) for r in replies],
            sorted(
                (f.user.username, f.topic.slug if f.topic else "", f.scenario.slug if f.scenario else "")
                for f in Follow.objects.filter(user__username__startswith="demo-")
            ),
        )

    generate("--scale", SCALE)
    first = shape()
    generate("--remove")
    generate("--scale", SCALE)
    assert shape() == first


def test_demo_users_follow_demo_topics_and_scenarios():
    generate("--scale", SCALE)
    follows = Follow.objects.filter(user__username__startswith="demo-")
    assert follows.filter(topic__slug__startswith="demo-").exists()
    assert follows.filter(scenario__topic__slug__startswith="demo-").exists()
    assert (
        follows.count()
        == follows.filter(Q(topic__slug__startswith="demo-") | Q(scenario__topic__slug__startswith="demo-")).count()
    )
    assert follows.values("user").distinct().count() >= 10


def test_running_it_again_adds_nothing(real_content):
    generate("--scale", SCALE)
    before = demo_counts()
    generate("--scale", SCALE)
    assert demo_counts() == before


def test_an_interrupted_run_is_completed_by_the_next(real_content):
    generate("--scale", SCALE)
    before = demo_counts()
    doomed = Annotation.objects.filter(author__username__startswith="demo-", root__isnull=True)
    Annotation.objects.filter(pk__in=list(doomed.values_list("pk", flat=True)[:700])).delete()  # and their replies
    Follow.objects.filter(user__username__startswith="demo-").delete()
    assert demo_counts()["replies"] < 200
    generate("--scale", SCALE)
    assert demo_counts() == before


def test_remove_takes_away_every_demo_row_and_nothing_else(real_content, contributor):
    real_signposts = set(Signpost.objects.values_list("pk", "text"))
    real = Annotation.objects.get()
    generate("--scale", SCALE)
    # What readers do on a site with demo content: reply to demo annotations (a demo user is
    # notified), demo users reply to real ones and are answered, readers follow demo topics.
    demo_user = User.objects.filter(username__startswith="demo-").first()
    demo_annotation = Annotation.objects.filter(author__username__startswith="demo-", root__isnull=True).first()
    demo_annotation.reply(author=contributor, body="A real reply to a demo annotation")
    demo_reply = real.reply(author=demo_user, body="A demo user answers")
    demo_reply.reply(author=contributor, body="A real answer to a demo user")
    Follow.objects.create(user=contributor, topic=Topic.objects.get(slug__startswith="demo-"))
    Follow.objects.create(user=contributor, topic=real_content)
    Follow.objects.create(user=demo_user, topic=real_content)
    assert Notification.objects.filter(recipient__username__startswith="demo-").exists()
    assert Notification.objects.filter(recipient=contributor, annotation__author=demo_user).exists()
    output = generate("--remove")
    assert demo_counts() == no_demo_content()
    assert "Removed the demo content (2,000 annotations, 203 replies, " in output
    assert Follow.objects.get().topic == real_content
    assert not Notification.objects.exists()
    assert Topic.objects.get().title == "Real topic"
    assert Scenario.objects.count() == 4
    assert set(Signpost.objects.values_list("pk", "text")) == real_signposts
    assert Signpost.objects.filter(text="A real signpost.").exists()
    assert Development.objects.get().title == "A real event"
    assert DevelopmentSource.objects.count() == 1
    assert Revision.objects.get().estimates.count() == 4
    assert not Development.history.filter(slug__startswith="demo-").exists()
    assert Outcome.objects.count() == 4
    assert Annotation.objects.get() == real and real.body == "A real annotation"
    assert User.objects.filter(pk=contributor.pk).exists()
    assert Forecast.objects.get().reader == contributor
    assert ForecastVersion.objects.count() == 1
    assert Community.objects.get().topic == real_content
    assert CommunityVersion.objects.get().topic == real_content


def test_a_silly_scale_is_refused():
    with pytest.raises(CommandError, match="--scale"):
        generate("--scale", "0")
