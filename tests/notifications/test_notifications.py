"""Who is told of what, and what each reader reads of it: the notifications page, the unread count
in the header, marking read, the settings form, and the private feed.

The cast: the author of an annotation (`contributor`), the `replier`, a `follower`, an `editor`,
and an `outsider`. Nothing about what a reader may not see may reach them, by any road.
"""

import datetime
import itertools
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from diplomacy.annotations.models import Annotation
from diplomacy.notifications.models import Notification, Preferences
from tests.factories import make_annotation, make_scenario, make_topic
from tests.notifications.conftest import follow
from tests.timeline.factories import make_development, make_revision
from tests.utils import count_queries

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
ATOM = "{http://www.w3.org/2005/Atom}"
Kind = Notification.Kind


def told(user) -> list[tuple[str, object]]:
    """What `user` may read in their notifications, newest first: (kind, what it is about)."""
    return [
        (n.kind, n.annotation or n.development or n.topic)
        for n in Notification.objects.visible_to(user).select_related("annotation", "development", "topic")
    ]


def page_of(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("notifications")).text


def feed_of(client, user) -> ET.Element:
    response = client.get(Preferences.of(user).get_feed_url())
    assert response.status_code == 200
    return ET.fromstring(response.content)


def feed_titles(client, user) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed_of(client, user).iter(f"{ATOM}entry")]


# Replies


def test_a_reply_tells_the_author_of_the_annotation_it_answers(client, contributor, replier, scenario):
    annotation = make_annotation(scenario, contributor)
    client.force_login(replier)
    client.post(reverse("annotation_reply", args=[annotation.pk]), {"body": "Prisoner swaps *worked* before."})
    reply = Annotation.objects.get(parent=annotation)
    assert told(contributor) == [(Kind.REPLY, reply)]
    notification = Notification.objects.get()
    assert notification.actor == replier
    page = page_of(client, contributor)
    assert f'<a href="/annotations/{reply.pk}/">replier replied to you on “Partial truce”</a>' in page
    assert "Prisoner swaps *worked* before." in page
    assert told(replier) == []


def test_replying_to_yourself_tells_nobody(contributor, scenario):
    annotation = make_annotation(scenario, contributor)
    annotation.reply(author=contributor, body="And another thing.")
    assert not Notification.objects.exists()


def test_a_reply_to_a_reply_tells_that_replys_author_only(contributor, replier, outsider, scenario):
    annotation = make_annotation(scenario, contributor)
    first = annotation.reply(author=replier, body="I disagree.")
    answer = first.reply(author=outsider, body="So do I.")
    own_answer = first.reply(author=contributor, body="Why?")
    assert told(contributor) == [(Kind.REPLY, first)]
    assert told(replier) == [(Kind.REPLY, own_answer), (Kind.REPLY, answer)]
    assert told(outsider) == []


def test_followers_are_not_told_of_replies(contributor, replier, follower, topic, scenario):
    follow(follower, topic=topic)
    follow(contributor, topic=topic)
    annotation = make_annotation(scenario, contributor)
    Notification.objects.all().delete()
    annotation.reply(author=replier, body="A reply.")
    assert told(follower) == []
    assert told(contributor) == [(Kind.REPLY, annotation.replies.get())]  # once, as the author


# Moderation


def test_hiding_and_restoring_tell_the_author_with_the_editors_reason(client, contributor, editor, scenario):
    annotation = make_annotation(scenario, contributor)
    client.force_login(editor)
    client.post(reverse("annotation_hide", args=[annotation.pk]), {"reason": "Insults another reader"})
    assert told(contributor) == [(Kind.HIDDEN, annotation)]
    page = page_of(client, contributor)
    assert "An editor hid your annotation" in page and "Insults another reader" in page
    client.force_login(editor)
    client.post(reverse("annotation_restore", args=[annotation.pk]), {"reason": "On reflection, it is fair"})
    assert told(contributor) == [(Kind.RESTORED, annotation), (Kind.HIDDEN, annotation)]
    page = page_of(client, contributor)
    assert "An editor restored your annotation" in page and "On reflection, it is fair" in page
    assert told(editor) == []


def test_only_the_author_hears_of_moderation(contributor, editor, follower, topic, scenario):
    follow(follower, topic=topic)
    annotation = make_annotation(scenario, contributor)
    annotation.hide(by=editor, reason="Off topic")
    assert told(follower) == []


def test_hiding_a_reply_tells_its_author_and_takes_it_from_the_list_of_the_one_it_answered(
    client, contributor, replier, editor, scenario
):
    annotation = make_annotation(scenario, contributor)
    reply = annotation.reply(author=replier, body="Something rude.")
    assert told(contributor) == [(Kind.REPLY, reply)]
    reply.hide(by=editor, reason="Rude")
    assert told(replier) == [(Kind.HIDDEN, reply)]
    assert told(contributor) == []
    assert "Something rude." not in page_of(client, contributor)


def test_an_editor_hiding_their_own_annotation_tells_nobody(editor, scenario):
    annotation = make_annotation(scenario, editor)
    annotation.hide(by=editor, reason="Posted by mistake")
    assert not Notification.objects.exists()


def test_clearing_flags_tells_nobody(contributor, editor, outsider, scenario):
    annotation = make_annotation(scenario, contributor)
    annotation.flag(by=outsider)
    annotation.clear_flags(by=editor, reason="Nothing wrong with it")
    assert not Notification.objects.exists()


# New annotations on what a reader follows


def test_followers_of_the_topic_or_scenario_hear_of_a_new_public_annotation_once(
    client, contributor, follower, replier, outsider, editor, topic, scenario, other_scenario
):
    follow(follower, topic=topic)
    follow(follower, scenario=scenario)  # both: still told once
    follow(replier, scenario=scenario)
    follow(outsider, scenario=other_scenario)
    follow(contributor, topic=topic)
    client.force_login(contributor)
    client.post(
        reverse("annotations", args=["ukraine", "partial-truce"]),
        {"kind": "note", "body": "Worth watching.", "is_public": "on"},
    )
    annotation = Annotation.objects.get()
    assert told(follower) == [(Kind.ANNOTATION, annotation)]
    assert told(replier) == [(Kind.ANNOTATION, annotation)]
    assert told(outsider) == []
    assert told(contributor) == []
    assert told(editor) == []
    page = page_of(client, follower)
    assert f'<a href="/annotations/{annotation.pk}/">contributor annotated “Partial truce”</a>' in page
    assert "Worth watching." in page


def test_private_annotations_and_replies_tell_no_follower(contributor, replier, follower, topic, scenario):
    follow(follower, topic=topic)
    make_annotation(scenario, contributor, is_public=False, body="Only mine")
    public = make_annotation(scenario, replier)
    Notification.objects.filter(annotation=public).delete()
    public.reply(author=contributor, body="A reply is not news.")
    assert told(follower) == []


def test_annotations_on_a_draft_scenario_tell_no_follower(editor, follower, topic, outcomes):
    follow(follower, topic=topic)
    draft = make_scenario(topic=topic, outcome=outcomes[0], is_published=False)
    make_annotation(draft, editor)
    assert told(follower) == []


# Developments


def test_followers_of_a_developments_topics_hear_of_it_once(
    django_capture_on_commit_callbacks, follower, replier, outsider, topic, scenario
):
    elsewhere = make_topic(slug="arms", title="Arms control")
    follow(follower, topic=topic)
    follow(follower, topic=elsewhere)  # two of its topics: still told once
    follow(replier, scenario=scenario)
    with django_capture_on_commit_callbacks(execute=True):
        development = make_development(topic, elsewhere, title="Talks in Riyadh")
    assert told(follower) == [(Kind.DEVELOPMENT, development)]
    assert told(replier) == [(Kind.DEVELOPMENT, development)]
    assert told(outsider) == []
    with django_capture_on_commit_callbacks(execute=True):
        development.summary = "Corrected."
        development.save()
        development.topics.add(make_topic())
    assert Notification.objects.filter(development=development).count() == 2


def test_adding_a_topic_tells_that_topics_followers_only(django_capture_on_commit_callbacks, follower, outsider, topic):
    elsewhere = make_topic(slug="arms")
    follow(follower, topic=topic)
    follow(outsider, topic=elsewhere)
    with django_capture_on_commit_callbacks(execute=True):
        development = make_development(topic)
    with django_capture_on_commit_callbacks(execute=True):
        development.topics.add(elsewhere)
    assert told(follower) == [(Kind.DEVELOPMENT, development)]
    assert told(outsider) == [(Kind.DEVELOPMENT, development)]
    assert Notification.objects.count() == 2


def test_an_unpublished_development_tells_nobody_until_it_is_published(
    client, django_capture_on_commit_callbacks, follower, topic
):
    follow(follower, topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        development = make_development(topic, is_published=False, title="Quiet contacts")
    assert told(follower) == []
    with django_capture_on_commit_callbacks(execute=True):
        development.is_published = True
        development.save()
    assert told(follower) == [(Kind.DEVELOPMENT, development)]
    assert "New development: Quiet contacts" in page_of(client, follower)


# Estimate moves


@pytest.fixture
def three(topic, outcomes):
    """A topic at 50 / 30 / 20 across three scenarios."""
    return [
        make_scenario(topic=topic, outcome=outcome, title=title, likelihood=number)
        for outcome, title, number in zip(outcomes[:3], ["Deal", "Truce", "Stalemate"], [50, 30, 20], strict=True)
    ]


def revise(callbacks, topic, numbers, **fields):
    with callbacks(execute=True):
        return make_revision(topic, numbers, **fields)


def test_a_revision_that_moves_a_followed_topic_by_the_threshold_tells_its_followers(
    client, django_capture_on_commit_callbacks, follower, outsider, topic, three
):
    follow(follower, topic=topic)
    revision = revise(django_capture_on_commit_callbacks, topic, [48, 17, 35])  # moves 2, 13, 15
    assert told(follower) == [(Kind.MOVE, topic)]
    assert Notification.objects.get().revision == revision
    assert told(outsider) == []
    page = page_of(client, follower)
    assert "Estimates moved on Ukraine" in page
    assert "Stalemate 20 → 35 %; Truce 30 → 17 %; Deal 50 → 48 %" in page


def test_a_move_below_the_threshold_tells_nobody(django_capture_on_commit_callbacks, follower, topic, three):
    follow(follower, topic=topic)
    revise(django_capture_on_commit_callbacks, topic, [45, 30, 25])  # 5 at most, under the default 10
    assert told(follower) == []
    revise(django_capture_on_commit_callbacks, topic, [40, 30, 30], as_of=datetime.date(2025, 3, 2))  # 5 again
    assert told(follower) == []


def test_each_reader_sets_their_own_threshold(
    client, django_capture_on_commit_callbacks, follower, replier, outsider, topic, three
):
    for reader, threshold in [(follower, 3), (replier, 20)]:
        follow(reader, topic=topic)
        client.force_login(reader)
        data = {
            "email_replies": "immediately",
            "email_moderation": "immediately",
            "email_followed": "daily",
            "move_threshold": threshold,
        }
        response = client.post(reverse("notification_settings"), data)
        assert response.status_code == 302
    follow(outsider, topic=topic)  # the default, 10
    revise(django_capture_on_commit_callbacks, topic, [45, 30, 25])  # 5
    assert told(follower) == [(Kind.MOVE, topic)]
    assert told(replier) == told(outsider) == []
    revise(django_capture_on_commit_callbacks, topic, [40, 45, 15], as_of=datetime.date(2025, 3, 2))  # 15
    assert [kind for kind, _ in told(follower)] == [Kind.MOVE, Kind.MOVE]
    assert told(outsider) == [(Kind.MOVE, topic)]
    assert told(replier) == []


def test_a_scenario_follower_hears_only_of_that_scenarios_move(
    django_capture_on_commit_callbacks, follower, replier, topic, three
):
    deal, truce, _ = three
    follow(follower, scenario=deal)
    follow(replier, scenario=truce)
    revise(django_capture_on_commit_callbacks, topic, [48, 17, 35])  # deal moves 2, truce 13
    assert told(follower) == []
    assert told(replier) == [(Kind.MOVE, topic)]


def test_an_older_revision_recorded_late_tells_nobody(django_capture_on_commit_callbacks, follower, topic, three):
    follow(follower, topic=topic)
    revise(django_capture_on_commit_callbacks, topic, [48, 17, 35], as_of=datetime.date(2025, 3, 10))
    revise(django_capture_on_commit_callbacks, topic, [20, 40, 40], as_of=datetime.date(2025, 3, 1))
    assert len(told(follower)) == 1


def test_moves_of_a_draft_topic_tell_nobody(django_capture_on_commit_callbacks, editor, outcomes):
    draft = make_topic(is_published=False)
    for outcome, number in zip(outcomes[:2], [50, 50], strict=True):
        make_scenario(topic=draft, outcome=outcome, likelihood=number)
    follow(editor, topic=draft)
    revise(django_capture_on_commit_callbacks, draft, [10, 90])
    assert not Notification.objects.exists()


# Nothing reaches a reader who may not see it


def test_a_notification_of_an_annotation_hidden_since_disappears_for_the_follower(
    client, contributor, follower, editor, topic, scenario
):
    follow(follower, topic=topic)
    annotation = make_annotation(scenario, contributor, body="Soon to be hidden")
    assert told(follower) == [(Kind.ANNOTATION, annotation)]
    assert 'id="unread-count">1<' in page_of(client, follower)
    assert feed_titles(client, follower) == ["contributor annotated “Partial truce”"]

    annotation.hide(by=editor, reason="Off topic")
    assert told(follower) == []
    page = page_of(client, follower)
    assert "Soon to be hidden" not in page
    assert "unread-count" not in page
    assert "Nothing yet." in page
    assert feed_titles(client, follower) == []
    assert told(contributor) == [(Kind.HIDDEN, annotation)]  # the author still sees theirs

    annotation.restore(by=editor, reason="Fair after all")
    assert told(follower) == [(Kind.ANNOTATION, annotation)]


def test_notifications_in_a_thread_made_private_disappear(client, contributor, replier, follower, topic, scenario):
    follow(follower, topic=topic)
    annotation = make_annotation(scenario, contributor, body="Public for now.")
    first = annotation.reply(author=replier, body="I disagree.")
    answer = first.reply(author=contributor, body="Let me explain why.")
    assert told(replier) == [(Kind.REPLY, answer)]
    assert told(follower) == [(Kind.ANNOTATION, annotation)]
    annotation.edit(is_public=False)
    assert told(replier) == told(follower) == []
    assert "Let me explain why." not in page_of(client, replier)
    assert "Public for now." not in page_of(client, follower)
    assert feed_titles(client, replier) == feed_titles(client, follower) == []


def test_a_notification_of_a_reply_in_a_thread_hidden_since_disappears(
    contributor, replier, outsider, editor, scenario
):
    annotation = make_annotation(scenario, contributor)
    first = annotation.reply(author=replier, body="I disagree.")
    first.reply(author=outsider, body="Me too.")
    annotation.hide(by=editor, reason="Off topic")
    assert told(replier) == []


def test_a_notification_of_a_development_unpublished_since_disappears(
    client, django_capture_on_commit_callbacks, follower, topic
):
    follow(follower, topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        development = make_development(topic, title="A premature report")
    assert told(follower) == [(Kind.DEVELOPMENT, development)]
    development.is_published = False
    development.save()
    assert told(follower) == []
    page = page_of(client, follower)
    assert "A premature report" not in page and "unread-count" not in page
    assert feed_titles(client, follower) == []


def test_notifications_of_a_topic_or_scenario_unpublished_since_disappear(
    django_capture_on_commit_callbacks, contributor, follower, topic, three
):
    follow(follower, topic=topic)
    make_annotation(three[0], contributor)
    revise(django_capture_on_commit_callbacks, topic, [20, 40, 40])
    assert {kind for kind, _ in told(follower)} == {Kind.ANNOTATION, Kind.MOVE}
    three[0].is_published = False
    three[0].save()
    assert [kind for kind, _ in told(follower)] == [Kind.MOVE]
    topic.is_published = False
    topic.save()
    assert told(follower) == []


def test_marking_all_read_reports_only_what_the_reader_can_see(client, contributor, follower, editor, topic, scenario):
    follow(follower, topic=topic)
    make_annotation(scenario, contributor, body="Kept")
    make_annotation(scenario, contributor, body="Hidden later").hide(by=editor, reason="Off topic")
    client.force_login(follower)
    page = client.get(reverse("notifications")).text
    assert "Mark all 1 read" in page
    response = client.post(reverse("notifications_read"), follow=True)
    assert "Marked 1 notification read." in response.text


# The notifications page, the unread count, marking read


def test_the_unread_count_shows_in_the_header_of_every_page_for_its_reader(
    client, contributor, replier, outsider, scenario
):
    annotation = make_annotation(scenario, contributor)
    annotation.reply(author=replier, body="One")
    annotation.reply(author=outsider, body="Two")
    client.force_login(contributor)
    assert 'id="unread-count">2<' in client.get(scenario.get_absolute_url()).text
    assert 'id="unread-count">2<' in client.get(reverse("home")).text
    client.force_login(replier)
    assert "unread-count" not in client.get(reverse("home")).text
    client.logout()
    assert "unread-count" not in client.get(reverse("home")).text


def test_a_reader_marks_one_notification_read(client, contributor, replier, outsider, scenario):
    annotation = make_annotation(scenario, contributor)
    annotation.reply(author=replier, body="One")
    annotation.reply(author=outsider, body="Two")
    first, second = Notification.objects.order_by("pk")
    client.force_login(contributor)
    response = client.post(reverse("notification_read", args=[first.pk]), {"page": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications") + "?page=2"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    page = client.get(reverse("notifications")).text
    assert 'id="unread-count">1<' in page
    assert page.count("notification--unread") == 1


def test_with_htmx_marking_one_read_returns_its_row_and_the_new_count(client, contributor, replier, outsider, scenario):
    annotation = make_annotation(scenario, contributor)
    annotation.reply(author=replier, body="One")
    annotation.reply(author=outsider, body="Two")
    first = Notification.objects.order_by("pk").first()
    client.force_login(contributor)
    response = client.post(reverse("notification_read", args=[first.pk]), headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="notification-{first.pk}" class="notification">')
    assert "Mark read" not in response.text and "New" not in response.text
    assert '<template><span class="unread-count" id="unread-count" data-hx-swap-oob="true">1<' in response.text
    client.post(reverse("notification_read", args=[Notification.objects.order_by("pk").last().pk]), headers=HTMX)
    last = client.post(reverse("notification_read", args=[first.pk]), headers=HTMX)
    assert 'id="unread-count" data-hx-swap-oob="true" hidden></span></template>' in last.text


def test_a_reader_marks_all_read(client, contributor, replier, outsider, scenario):
    annotation = make_annotation(scenario, contributor)
    annotation.reply(author=replier, body="One")
    annotation.reply(author=outsider, body="Two")
    annotation.reply(author=contributor, body="Mine")
    client.force_login(contributor)
    assert "Mark all 2 read" in client.get(reverse("notifications")).text
    response = client.post(reverse("notifications_read"), follow=True)
    assert "Marked 2 notifications read." in response.text
    assert "unread-count" not in response.text and "Mark all" not in response.text
    assert not Notification.objects.unread().exists()


def test_nobody_marks_someone_elses_notification_read(client, contributor, replier, outsider, scenario):
    annotation = make_annotation(scenario, contributor)
    annotation.reply(author=replier, body="One")
    theirs = Notification.objects.get()
    client.force_login(outsider)
    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[theirs.pk]), headers=HTMX).status_code == 404
    client.post(reverse("notifications_read"))
    client.logout()
    response = client.post(reverse("notification_read", args=[theirs.pk]))
    assert response["Location"] == reverse("login") + "?next=%2Fme%2Fnotifications%2F"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_is_by_post_only(client, contributor, replier, scenario):
    make_annotation(scenario, contributor).reply(author=replier, body="One")
    client.force_login(contributor)
    assert client.get(reverse("notification_read", args=[Notification.objects.get().pk])).status_code == 405
    assert client.get(reverse("notifications_read")).status_code == 405
    assert Notification.objects.unread().count() == 1


def test_the_notifications_page_needs_a_login_and_shows_only_ones_own(client, contributor, replier, scenario):
    make_annotation(scenario, contributor).reply(author=replier, body="For the contributor only")
    assert client.get(reverse("notifications"))["Location"].startswith(reverse("login"))
    assert "For the contributor only" not in page_of(client, replier)
    assert "For the contributor only" in page_of(client, contributor)


def test_the_notifications_page_runs_as_many_queries_for_30_notifications_as_for_3(
    client, django_capture_on_commit_callbacks, contributor, replier, follower, editor, topic, scenario, other_scenario
):
    follow(contributor, topic=topic)
    client.force_login(contributor)
    url = reverse("notifications")
    numbers = itertools.cycle([[70, 30], [30, 70]])  # each revision moves both by 40

    def happen(rounds: int) -> None:
        """Something of each kind, `rounds` times, round robin, until `rounds` notifications more."""
        annotation = make_annotation(scenario, contributor)
        events = [
            lambda n: annotation.reply(author=replier, body=f"Reply {n}"),
            lambda n: make_annotation(other_scenario, follower, body=f"Note {n}"),
            lambda n: make_development(topic, title=f"Development {n}"),
            lambda n: make_revision(topic, next(numbers), as_of=datetime.date(2025, 4, 1 + n)),
            lambda n: annotation.hide(by=editor, reason=f"Reason {n}"),
            lambda n: annotation.restore(by=editor, reason=f"Reason {n}"),
        ]
        before = Notification.objects.count()
        for n in range(rounds):
            with django_capture_on_commit_callbacks(execute=True):
                events[n % len(events)](n + before)
        assert Notification.objects.count() == before + rounds

    feed = Preferences.of(contributor).get_feed_url()
    happen(3)
    few, few_in_feed = count_queries(client, url), count_queries(client, feed)
    happen(27)
    assert {n.kind for n in Notification.objects.all()} == set(Kind)
    assert count_queries(client, url) == few
    assert count_queries(client, feed) == few_in_feed
    assert page_of(client, contributor).count('<li id="notification-') == 30


def test_the_notifications_page_shows_30_at_a_time_newest_first(client, contributor, replier, scenario):
    annotation = make_annotation(scenario, contributor)
    for n in range(32):
        annotation.reply(author=replier, body=f"Reply number {n}")
    client.force_login(contributor)
    page = client.get(reverse("notifications")).text
    assert "Reply number 31" in page and "Reply number 2\n" not in page
    assert page.index("Reply number 31") < page.index("Reply number 30")
    older = client.get(reverse("notifications"), {"page": 2}).text
    assert "Reply number 0" in older and "Reply number 1" in older and "Reply number 31" not in older


# Settings


def test_the_settings_page_shows_the_choices_and_saves_them(client, follower):
    client.force_login(follower)
    page = client.get(reverse("notification_settings"))
    assert page.status_code == 200
    assert 'name="move_threshold" value="10"' in page.text
    assert Preferences.of(follower).get_feed_url() in page.text
    data = {
        "email_replies": "daily",
        "email_moderation": "never",
        "email_followed": "immediately",
        "move_threshold": 25,
    }
    response = client.post(reverse("notification_settings"), data, follow=True)
    assert "Your notification settings are saved." in response.text
    preferences = Preferences.of(follower)
    assert (preferences.email_replies, preferences.email_moderation, preferences.email_followed) == (
        "daily",
        "never",
        "immediately",
    )
    assert preferences.move_threshold == 25


@pytest.mark.parametrize(
    ("threshold", "error"),
    [
        ("0", "Ensure this value is greater than or equal to 1."),
        ("-5", "Ensure this value is greater than or equal to 1."),
        ("101", "Ensure this value is less than or equal to 100."),
        ("ten", "Enter a whole number."),
        ("", "This field is required."),
    ],
)
def test_a_threshold_out_of_range_is_refused_with_the_form_kept(client, follower, threshold, error):
    client.force_login(follower)
    data = {
        "email_replies": "daily",
        "email_moderation": "never",
        "email_followed": "daily",
        "move_threshold": threshold,
    }
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 422
    assert 'name="email_replies" value="daily" required id="id_email_replies_1" checked>' in response.text
    assert error in response.text
    assert 'min="1" max="100"' in response.text
    assert Preferences.of(follower).move_threshold == 10


def test_the_settings_page_says_when_no_email_can_be_sent(client, follower):
    follower.email = ""
    follower.save()
    client.force_login(follower)
    assert "Your account has no email address" in client.get(reverse("notification_settings")).text


def test_settings_need_a_login(client):
    assert client.get(reverse("notification_settings"))["Location"].startswith(reverse("login"))
    assert client.post(reverse("notification_feed_reset"))["Location"] == (
        reverse("login") + "?next=%2Fme%2Fsettings%2Fnotifications%2F"
    )


# The private feed


def test_the_feed_is_atom_with_the_readers_visible_notifications(client, contributor, replier, outsider, scenario):
    annotation = make_annotation(scenario, contributor)
    reply = annotation.reply(author=replier, body="A reply worth reading.")
    make_annotation(scenario, outsider).reply(author=replier, body="Not for the contributor.")
    client.logout()  # a feed reader has no session: the address is the key
    response = client.get(Preferences.of(contributor).get_feed_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = list(feed.iter(f"{ATOM}entry"))
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["replier replied to you on “Partial truce”"]
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://testserver/annotations/{reply.pk}/"
    assert entries[0].findtext(f"{ATOM}summary") == "A reply worth reading."
    assert "Not for the contributor." not in response.text


def test_the_feed_links_each_kind_to_its_place(
    client, django_capture_on_commit_callbacks, contributor, editor, topic, scenario, other_scenario
):
    follow(contributor, topic=topic)
    annotation = make_annotation(scenario, contributor)
    annotation.hide(by=editor, reason="Off topic")
    with django_capture_on_commit_callbacks(execute=True):
        development = make_development(topic, title="Talks in Riyadh")
        make_revision(topic, [20, 80])
    entries = {
        entry.findtext(f"{ATOM}title"): (entry.find(f"{ATOM}link").get("href"), entry.findtext(f"{ATOM}summary"))
        for entry in feed_of(client, contributor).iter(f"{ATOM}entry")
    }
    assert entries == {
        "Estimates moved on Ukraine": (
            "http://testserver/topics/ukraine/",
            "Partial truce 60 → 20 %; No deal 40 → 80 %",
        ),
        "New development: Talks in Riyadh": ("http://testserver" + development.get_absolute_url(), development.summary),
        "An editor hid your annotation": (f"http://testserver/annotations/{annotation.pk}/", "Off topic"),
    }


def test_the_feed_is_never_kept_by_a_shared_cache(client, contributor):
    response = client.get(Preferences.of(contributor).get_feed_url())
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_a_tampered_or_reset_feed_address_is_a_404(client, contributor):
    old = Preferences.of(contributor).get_feed_url()
    assert client.get(old.replace(".atom", "x.atom")).status_code == 404
    assert client.get(reverse("notification_feed", args=["guessed"])).status_code == 404
    client.force_login(contributor)
    response = client.post(reverse("notification_feed_reset"), follow=True)
    assert "Your feed has a new address" in response.text
    new = Preferences.of(contributor).get_feed_url()
    assert new != old and new in response.text
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_feed_of_a_deactivated_reader_is_a_404(client, contributor):
    url = Preferences.of(contributor).get_feed_url()
    contributor.is_active = False
    contributor.save()
    assert client.get(url).status_code == 404


def test_the_feed_shows_what_was_written_as_text_not_markup(client, contributor, replier, scenario):
    make_annotation(scenario, contributor).reply(author=replier, body="<img src=x onerror=alert(1)> & more")
    summary = feed_of(client, contributor).find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "&lt;img src=x onerror=alert(1)&gt; &amp; more"
