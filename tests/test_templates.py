"""Every variable a page's templates use is given to them: a missing one shows, instead of rendering empty."""

import pytest
from django.urls import reverse

from tests.factories import make_annotation, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
MISSING = "MISSING-VARIABLE"  # a slug, so that it also shows inside addresses made from a missing variable


@pytest.fixture
def strict_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "string_if_invalid": MISSING}}
    ]


@pytest.mark.parametrize("who", ["anonymous", "contributor", "editor"])
def test_no_page_renders_a_missing_variable(client, strict_templates, outcomes, contributor, editor, who):
    topic = make_topic_with_scenarios(outcomes)
    scenario = topic.scenarios.first()
    annotation = make_annotation(scenario, contributor, quote="The first paragraph")
    make_annotation(scenario, editor, kind="editors-note")
    if who != "anonymous":
        client.force_login(contributor if who == "contributor" else editor)
    thread = reverse("annotations", args=[topic.slug, scenario.slug])
    pages = [
        ("/", {}),
        ("/topics/", {}),
        (topic.get_absolute_url(), {}),
        (scenario.get_absolute_url(), {}),
        (scenario.get_absolute_url() + "?kind=note&order=oldest", {}),
        (thread, {"HX-Request": "true"}),
        ("/scenarios/?q=paragraph", {}),
        ("/scenarios/?topic=" + topic.slug, {"HX-Request": "true"}),
        (f"/compare/?s={scenario.ref}&s={topic.scenarios.last().ref}", {}),
        (annotation.get_absolute_url(), {"HX-Request": "true"}),
    ]
    if who == "contributor":
        pages += [
            (reverse("annotation_edit", args=[annotation.pk]), {}),
            (reverse("annotation_edit", args=[annotation.pk]), {"HX-Request": "true"}),
            (reverse("my_annotations"), {}),
        ]
    for url, headers in pages:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert MISSING not in response.text, f"{url} renders a missing variable for {who}"
