"""Fixtures shared by every test: a fixed cast of users and a small world of content."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from tests.factories import make_outcome


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as each starts with an empty database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db) -> User:
    """Staff in the Editors group, not a superuser: what a real editor is."""
    user = User.objects.create_user("editor", "editor@example.org", "editor-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def contributor(db) -> User:
    return User.objects.create_user("contributor", "contributor@example.org", "contributor-password")


@pytest.fixture
def other_contributor(db) -> User:
    return User.objects.create_user("other", "other@example.org", "other-password")


@pytest.fixture
def outcomes(db):
    """The four kinds of outcome, best first."""
    return [
        make_outcome(name=name, slug=slug, order=order)
        for order, (name, slug) in enumerate(
            [
                ("Breakthrough", "breakthrough"),
                ("Limited agreement", "limited-agreement"),
                ("No agreement", "no-agreement"),
                ("Worsened relations", "worsened-relations"),
            ],
            start=1,
        )
    ]
