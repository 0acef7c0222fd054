"""Property-based tests: arbitrary query strings, paths and form fields never get a 500."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_annotation, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Any text but lone surrogates (which no client can send); NUL and control characters included.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
PARAMS = st.dictionaries(
    st.sampled_from(["q", "topic", "outcome", "min", "max", "sort", "page", "s", "kind", "order", "next"]) | TEXT,
    st.lists(TEXT, max_size=3),
    max_size=5,
)


@pytest.fixture
def world(outcomes, contributor):
    topic = make_topic_with_scenarios(outcomes, slug="trade")
    scenario = topic.scenarios.first()
    annotation = make_annotation(scenario, contributor, quote="The first paragraph")
    urls = [
        "/", "/topics/", topic.get_absolute_url(), scenario.get_absolute_url(), "/scenarios/", "/compare/",
        "/feeds/scenarios.atom", "/feeds/annotations.atom", "/sitemap.xml", "/robots.txt", "/healthz",
        annotation.get_absolute_url(), "/accounts/login/", "/accounts/signup/", f"{topic.get_absolute_url()}preview.png",
        f"{topic.get_absolute_url()}what-if/", f"{topic.get_absolute_url()}what-if/preview.png", "/what-if/",
    ]  # fmt: skip
    return {"urls": urls, "scenario": scenario, "annotation": annotation}


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}"


@FUZZ
@given(
    params=PARAMS, headers=st.sampled_from([{}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Target": "thread"}])
)
def test_any_query_string_on_any_page(world, params, headers):
    client = Client()
    for url in world["urls"]:
        assert_no_server_error(client.get(url, params, headers=headers), f"GET {url}?{params}")


@FUZZ
@given(first=TEXT, second=TEXT)
def test_any_path(world, first, second):
    client = Client()
    for path in (f"/topics/{first}/", f"/topics/{first}/{second}/", f"/{first}", f"/annotations/{first}/"):
        assert_no_server_error(client.get(path), f"GET {path!r}")


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["kind", "body", "quote", "quote_prefix", "quote_suffix",
                                               "source_url", "is_public", "reason"]) | TEXT, TEXT, max_size=8))  # fmt: skip
def test_any_form_fields(world, contributor, editor, fields):
    for user in (contributor, editor, None):
        client = Client()
        if user:
            client.force_login(user)
        scenario, annotation = world["scenario"], world["annotation"]
        for url in (
            f"{scenario.get_absolute_url()}annotations/",
            f"/annotations/{annotation.pk}/edit/",
            f"/annotations/{annotation.pk}/hide/",
            f"/annotations/{annotation.pk}/flag/",
            "/accounts/signup/",
            "/accounts/login/",
        ):
            assert_no_server_error(client.post(url, fields), f"POST {url} {fields}")
