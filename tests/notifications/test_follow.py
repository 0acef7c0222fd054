"""Following a topic or a scenario: the button on their pages, the form behind it, the list of follows."""

import pytest
from django.urls import reverse

from diplomacy.notifications.models import Follow
from diplomacy.scenarios.models import Scenario
from tests.factories import make_scenario, make_topic
from tests.notifications.conftest import follow
from tests.utils import count_queries

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
FOLLOW_URL = reverse("follow")


def test_a_reader_follows_a_topic_and_is_sent_back_to_it(client, follower, topic):
    client.force_login(follower)
    response = client.post(FOLLOW_URL, {"topic": "ukraine", "next": "/topics/ukraine/"})
    assert response.status_code == 302
    assert response["Location"] == "/topics/ukraine/"
    assert Follow.objects.get().followed == topic
    assert "You follow Ukraine." in client.get(response["Location"]).text


def test_following_twice_keeps_one_follow(client, follower, topic):
    client.force_login(follower)
    client.post(FOLLOW_URL, {"topic": "ukraine"})
    client.post(FOLLOW_URL, {"topic": "ukraine"})
    assert Follow.objects.filter(user=follower).count() == 1


def test_a_reader_stops_following_a_topic(client, follower, topic):
    follow(follower, topic=topic)
    client.force_login(follower)
    response = client.post(FOLLOW_URL, {"topic": "ukraine", "action": "unfollow", "next": "/topics/ukraine/"})
    assert response.status_code == 302
    assert not Follow.objects.exists()
    assert "You no longer follow Ukraine." in client.get(response["Location"]).text


def test_a_reader_follows_and_unfollows_one_scenario(client, follower, scenario, other_scenario):
    client.force_login(follower)
    client.post(FOLLOW_URL, {"scenario": "ukraine/partial-truce"})
    assert Follow.objects.get(user=follower).followed == scenario
    client.post(FOLLOW_URL, {"scenario": "ukraine/no-deal"})
    client.post(FOLLOW_URL, {"scenario": "ukraine/partial-truce", "action": "unfollow"})
    assert [f.followed for f in Follow.objects.filter(user=follower)] == [other_scenario]


def test_without_a_next_the_reader_lands_on_their_follows(client, follower, topic):
    client.force_login(follower)
    assert client.post(FOLLOW_URL, {"topic": "ukraine"})["Location"] == reverse("following")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example.com/", "//evil.example.com/", "https:///evil.example.com", "javascript:alert(1)"]
)
def test_an_external_next_is_not_followed(client, follower, topic, next_url):
    client.force_login(follower)
    response = client.post(FOLLOW_URL, {"topic": "ukraine", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("following")
    assert Follow.objects.filter(user=follower).exists()


def test_with_htmx_the_button_comes_back_in_its_new_state(client, follower, topic):
    client.force_login(follower)
    response = client.post(FOLLOW_URL, {"topic": "ukraine"}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form class="follow-form')
    assert 'aria-pressed="true"' in response.text and "Following ✓" in response.text
    assert '<input type="hidden" name="action" value="unfollow">' in response.text
    assert "You follow" not in response.text  # no message waits for the next page either
    assert '<input type="hidden" name="next" value="/me/following/">' in response.text
    response = client.post(FOLLOW_URL, {"topic": "ukraine", "action": "unfollow"}, headers=HTMX)
    assert 'aria-pressed="false"' in response.text and "Following" not in response.text
    assert not Follow.objects.exists()
    assert "You no longer follow" not in client.get(reverse("following")).text


def test_anonymous_readers_log_in_and_come_back_to_the_page_they_were_on(client, topic):
    response = client.post(FOLLOW_URL, {"topic": "ukraine", "next": "/topics/ukraine/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Ftopics%2Fukraine%2F"
    htmx = client.post(FOLLOW_URL, {"topic": "ukraine", "next": "https://evil.example.com/"}, headers=HTMX)
    assert htmx["HX-Redirect"] == reverse("login") + "?next=%2Fme%2Ffollowing%2F"
    assert not Follow.objects.exists()


def test_following_is_by_post_only(client, follower, topic):
    client.force_login(follower)
    assert client.get(FOLLOW_URL, {"topic": "ukraine"}).status_code == 405
    assert not Follow.objects.exists()


def test_a_reader_cannot_follow_a_draft_topic_or_scenario_or_nothing(client, follower, topic, outcomes):
    make_topic(slug="secret", is_published=False)
    make_scenario(topic=topic, outcome=outcomes[0], slug="draft", is_published=False)
    client.force_login(follower)
    assert client.post(FOLLOW_URL, {"topic": "secret"}).status_code == 404
    assert client.post(FOLLOW_URL, {"scenario": "ukraine/draft"}).status_code == 404
    assert client.post(FOLLOW_URL, {"scenario": "ukraine"}).status_code == 404
    assert client.post(FOLLOW_URL, {"topic": "nowhere"}).status_code == 404
    assert client.post(FOLLOW_URL, {}).status_code == 404
    assert not Follow.objects.exists()


def test_an_editor_may_follow_a_draft_topic(client, editor):
    make_topic(slug="secret", is_published=False)
    client.force_login(editor)
    assert client.post(FOLLOW_URL, {"topic": "secret"}).status_code == 302
    assert Follow.objects.filter(user=editor).exists()


def test_the_following_page_lists_what_the_reader_follows_and_nobody_elses(
    client, follower, outsider, topic, scenario, other_scenario
):
    follow(follower, topic=topic)
    follow(follower, scenario=scenario)
    follow(outsider, scenario=other_scenario)
    client.force_login(follower)
    page = client.get(reverse("following")).text
    assert '<a href="/topics/ukraine/">Ukraine</a>' in page
    assert '<a href="/topics/ukraine/partial-truce/">Partial truce</a>' in page
    assert "No deal" not in page
    assert page.count("Following ✓") == 2
    client.force_login(outsider)
    page = client.get(reverse("following")).text
    assert "No deal" in page and "Partial truce" not in page


def test_the_following_page_no_longer_names_what_was_unpublished_since(client, follower, topic, scenario, outcomes):
    secret = make_topic(title="Secret talks", slug="secret")
    follow(follower, topic=secret)
    follow(follower, scenario=make_scenario(topic=topic, outcome=outcomes[0], title="Withdrawn scenario"))
    follow(follower, scenario=make_scenario(topic=secret, outcome=outcomes[0], title="Scenario of a withdrawn topic"))
    follow(follower, scenario=scenario)
    client.force_login(follower)
    assert client.get(reverse("following")).text.count("Following ✓") == 4
    secret.is_published = False
    secret.save()
    Scenario.objects.filter(title="Withdrawn scenario").update(is_published=False)
    page = client.get(reverse("following")).text
    assert "Secret talks" not in page and "Withdrawn scenario" not in page and "withdrawn topic" not in page
    assert "Partial truce" in page and page.count("Following ✓") == 1


def test_the_following_page_says_so_when_empty_and_needs_a_login(client, follower):
    client.force_login(follower)
    assert "You follow nothing yet." in client.get(reverse("following")).text
    client.logout()
    assert client.get(reverse("following"))["Location"].startswith(reverse("login"))


def test_the_following_page_stays_at_a_few_queries_however_many_follows(client, follower, outcomes):
    def add(count: int) -> None:
        for _ in range(count):
            topic = make_topic()
            follow(follower, topic=topic)
            follow(follower, scenario=make_scenario(topic=topic, outcome=outcomes[0]))

    client.force_login(follower)
    add(2)
    few = count_queries(client, reverse("following"))
    add(15)
    assert count_queries(client, reverse("following")) == few


def test_the_topic_page_shows_each_reader_their_own_button(client, follower, outsider, topic, scenario):
    follow(follower, topic=topic)
    url = topic.get_absolute_url()
    anonymous = client.get(url).text
    assert "Log in to follow" in anonymous and "follow-form" not in anonymous
    client.force_login(follower)
    page = client.get(url).text
    assert "Following ✓" in page and 'aria-pressed="true"' in page
    assert '<input type="hidden" name="topic" value="ukraine">' in page
    client.force_login(outsider)
    page = client.get(url).text
    assert 'aria-pressed="false"' in page and "Following ✓" not in page and "Log in to follow" not in page
    client.logout()
    again = client.get(url)
    assert "Log in to follow" in again.text and "Following" not in again.text
    assert again["X-Cache"] == "hit"  # the page anonymous readers share never held anyone's button


def test_the_scenario_page_shows_each_reader_their_own_button(client, follower, outsider, topic, scenario):
    follow(follower, scenario=scenario)
    follow(outsider, topic=topic)  # following the topic is not following each of its scenarios
    url = scenario.get_absolute_url()
    assert "Log in to follow" in client.get(url).text
    client.force_login(follower)
    page = client.get(url).text
    assert "Following ✓" in page
    assert '<input type="hidden" name="scenario" value="ukraine/partial-truce">' in page
    client.force_login(outsider)
    assert 'aria-pressed="false"' in client.get(url).text
    client.logout()
    assert "Following" not in client.get(url).text


def test_the_button_on_a_page_sends_the_reader_back_to_that_page_even_once_swapped(client, follower, scenario):
    client.force_login(follower)
    here = "/topics/ukraine/partial-truce/?page=1"
    assert f'<input type="hidden" name="next" value="{here}">' in client.get(here).text
    swapped = client.post(FOLLOW_URL, {"scenario": "ukraine/partial-truce", "next": here}, headers=HTMX)
    assert f'<input type="hidden" name="next" value="{here}">' in swapped.text
    response = client.post(FOLLOW_URL, {"scenario": "ukraine/partial-truce", "action": "unfollow", "next": here})
    assert response["Location"] == here
