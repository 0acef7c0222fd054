"""Fixtures shared by every test: a fixed cast of users and a small world of content."""

import importlib

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from diplomacy.core.cache import KEPT
from tests.factories import make_outcome


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as each starts with an empty database."""
    cache.clear()
    KEPT.values.clear()
    yield
    cache.clear()
    KEPT.values.clear()


def editors_group() -> Group:
    """The group the migrations make. Transactional tests (browser tests) empty every table
    after they run, the group included, so make it again the way the migrations do."""
    from django.apps import apps

    for migration in (
        "diplomacy.scenarios.migrations.0002_editors_group",
        "diplomacy.annotations.migrations.0002_editors_permissions",
        "diplomacy.timeline.migrations.0003_editors_permissions",
        "diplomacy.forecasts.migrations.0002_editors_permissions",
    ):
        module = importlib.import_module(migration)
        (getattr(module, "create_editors_group", None) or module.grant)(apps, None)
    return Group.objects.get(name="Editors")


@pytest.fixture
def editor(db) -> User:
    """Staff in the Editors group, not a superuser: what a real editor is."""
    user = User.objects.create_user("editor", "editor@example.org", "editor-password", is_staff=True)
    user.groups.add(editors_group())
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
