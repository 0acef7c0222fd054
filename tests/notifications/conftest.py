"""Fixtures for following and notifications: a topic with two scenarios, and the people involved.

The cast: the author of an annotation (`contributor`), the one who replies to it (`replier`),
a reader who follows the topic (`follower`), an editor, and an `outsider` who follows nothing.
"""

import pytest
from django.contrib.auth.models import User

from diplomacy.notifications.models import Follow
from tests.annotations.conftest import NARRATIVE
from tests.factories import make_scenario, make_topic


@pytest.fixture
def topic(db):
    return make_topic(slug="ukraine", title="Ukraine")


@pytest.fixture
def scenario(topic, outcomes):
    return make_scenario(
        topic=topic,
        outcome=outcomes[1],
        slug="partial-truce",
        title="Partial truce",
        narrative=NARRATIVE,
        likelihood=60,
    )


@pytest.fixture
def other_scenario(topic, outcomes, scenario):
    return make_scenario(topic=topic, outcome=outcomes[2], slug="no-deal", title="No deal", likelihood=40)


@pytest.fixture
def replier(db) -> User:
    return User.objects.create_user("replier", "replier@example.org", "replier-password")


@pytest.fixture
def follower(db) -> User:
    return User.objects.create_user("follower", "follower@example.org", "follower-password")


@pytest.fixture
def outsider(db) -> User:
    return User.objects.create_user("outsider", "outsider@example.org", "outsider-password")


def follow(user, *, topic=None, scenario=None) -> Follow:
    return Follow.objects.create(user=user, topic=topic, scenario=scenario)
