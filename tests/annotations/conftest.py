"""Fixtures for annotation tests: a published scenario with a narrative worth quoting."""

import pytest

from tests.factories import make_scenario, make_topic

NARRATIVE = (
    "The leaders agree on a prisoner exchange within weeks.\n\n"
    "Working groups meet on a wider ceasefire, while sanctions stay in place."
)


@pytest.fixture
def scenario(db):
    return make_scenario(topic=make_topic(slug="ukraine"), slug="partial-truce", narrative=NARRATIVE)
