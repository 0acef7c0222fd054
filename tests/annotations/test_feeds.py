"""Atom feeds of recent public annotations, site-wide and per topic."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import make_annotation, make_scenario, make_topic

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entry_titles(response) -> list[str]:
    return [e.find(f"{ATOM}title").text for e in ET.fromstring(response.content).findall(f"{ATOM}entry")]


def test_the_site_feed_lists_public_annotations_newest_first(client, scenario, contributor):
    make_annotation(scenario, contributor, kind="question", body="Is it real?")
    make_annotation(scenario, contributor, kind="evidence", body="Yes.")
    make_annotation(scenario, contributor, body="Private", is_public=False)
    make_annotation(scenario, contributor, body="Hidden", state="hidden")
    draft = make_scenario(is_published=False)
    make_annotation(draft, contributor, body="On a draft")
    response = client.get(reverse("annotation_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert entry_titles(response) == [
        f"Evidence by contributor on “{scenario.title}”",
        f"Question by contributor on “{scenario.title}”",
    ]
    for secret in ("Private", "Hidden", "On a draft"):
        assert secret not in response.text


def test_a_topic_feed_lists_only_that_topics_annotations(client, scenario, contributor):
    make_annotation(scenario, contributor, body="Here")
    elsewhere = make_scenario(topic=make_topic(slug="trade"))
    make_annotation(elsewhere, contributor, body="Elsewhere")
    response = client.get(reverse("topic_annotation_feed", args=["ukraine"]))
    assert "Here" in response.text and "Elsewhere" not in response.text
    assert client.get(reverse("topic_annotation_feed", args=["atlantis"])).status_code == 404
