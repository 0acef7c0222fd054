"""The API's OpenAPI schema: valid, complete, and kept by the API itself.

Schemathesis reads the schema from a live server (real HTTP, on the test database with the seeds,
public annotations and a reply in it), generates requests from it, valid and invalid ones, and checks
every answer: no server error, a documented status code and content type, a body that fits."""

from collections import Counter

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode

from diplomacy.annotations.models import Annotation
from diplomacy.forecasts import community
from diplomacy.forecasts.models import Community, CommunityVersion
from diplomacy.scenarios.models import Factor, Outcome, Scenario, Source, Topic
from diplomacy.timeline.models import Development
from tests.factories import make_annotation

PATHS = [
    "/api/v1/",
    "/api/v1/topics",
    "/api/v1/topics/{topic}",
    "/api/v1/topics/{topic}/history",
    "/api/v1/topics/{topic}/scenarios/{scenario}",
    "/api/v1/scenarios",
    "/api/v1/outcomes",
    "/api/v1/outcomes/{outcome}",
    "/api/v1/factors",
    "/api/v1/factors/{factor}",
    "/api/v1/sources",
    "/api/v1/sources/{source}",
    "/api/v1/developments",
    "/api/v1/developments/{development}",
    "/api/v1/annotations",
    "/api/v1/annotations/{annotation}",
]
# What the answers must keep to; and what the schema says is not a valid request must be refused.
# Not `positive_data_acceptance`: a cursor is any base64 text to the schema, and one the API never
# gave is refused (400, as documented) by design.
CHECKS = [
    schemathesis.checks.negative_data_rejection,
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
EXAMPLES = 40
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_and_names_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)  # OpenAPIValidationError if not
    assert set(schema["paths"]) == set(PATHS)
    assert all(set(operations) == {"get"} for operations in schema["paths"].values())


@pytest.fixture
def seeded(transactional_db):
    """The seeds (their revisions and development included), a community estimate shown on one
    topic, public annotations and a reply; and a private and a hidden annotation, not shown."""
    call_command("load_seeds", verbosity=0)
    topic = Topic.objects.published().order_by("pk").first()
    assert topic is not None
    shown = list(topic.scenarios.filter(is_published=True).values_list("pk", flat=True))
    numbers = {str(pk): 100 / len(shown) for pk in shown}
    readers = community.SHOWN_FROM + 2
    Community.objects.create(topic=topic, numbers=numbers, readers=readers)
    CommunityVersion.objects.create(topic=topic, numbers=numbers, readers=readers)
    reader = User.objects.create_user("reader", "reader@example.org", "reader-password")
    other = User.objects.create_user("other", "other@example.org", "other-password")
    first, second, third = Scenario.objects.published().order_by("pk")[:3]
    note = make_annotation(first, reader, quote="the talks", body="A **public** note.")
    note.reply(author=other, body="A reply, *agreeing*.")
    make_annotation(second, other, kind=Annotation.Kind.QUESTION, body="A question?")
    make_annotation(third, reader, kind=Annotation.Kind.EVIDENCE, body="Evidence, [linked](https://example.org).")
    make_annotation(first, reader, is_public=False, body="A private note.")
    make_annotation(second, other, state=Annotation.State.HIDDEN, body="A hidden note.")


def real(path: str) -> list[dict]:
    """Path parameters that name something that exists, for the operations that take them."""
    topics = [{"topic": slug} for slug in Topic.objects.values_list("slug", flat=True)]
    match path:
        case "/api/v1/topics/{topic}" | "/api/v1/topics/{topic}/history":
            return topics
        case "/api/v1/topics/{topic}/scenarios/{scenario}":
            return [{"topic": t, "scenario": s} for t, s in Scenario.objects.values_list("topic__slug", "slug")]
        case "/api/v1/outcomes/{outcome}":
            return [{"outcome": slug} for slug in Outcome.objects.values_list("slug", flat=True)]
        case "/api/v1/factors/{factor}":
            return [{"factor": slug} for slug in Factor.objects.values_list("slug", flat=True)]
        case "/api/v1/sources/{source}":
            return [{"source": key} for key in Source.objects.values_list("key", flat=True)]
        case "/api/v1/developments/{development}":
            return [{"development": pk} for pk in Development.objects.values_list("pk", flat=True)]
        case "/api/v1/annotations/{annotation}":
            return [{"annotation": pk} for pk in Annotation.objects.values_list("pk", flat=True)]
    return []


def cases(operation, path: str) -> st.SearchStrategy:
    """Requests of every kind, valid and not; a third of them about something that exists
    (a real slug or id in the path, or a real topic to filter a list by)."""
    generated = [operation.as_strategy(mode) for mode in GenerationMode]
    if found := real(path):
        existing = [operation.as_strategy(path_parameters=parameters) for parameters in found]
    elif "topic" in {parameter.name for parameter in operation.query}:
        existing = [operation.as_strategy(query=topic) for topic in real("/api/v1/topics/{topic}")]
    else:
        return st.one_of(generated)
    return st.one_of(*generated, st.one_of(existing))


@pytest.fixture
def api_schema(seeded, live_server, settings):
    settings.API_RATE_LIMIT = 1_000_000  # read on each request, by the live server's thread too
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")


def test_the_api_keeps_its_schema(api_schema, subtests):
    """Each operation in a subtest of its own (one database to set up, every failure reported).

    Hypothesis drives schemathesis's own strategies (`APIOperation.as_strategy`) rather than
    `schemathesis.pytest.from_fixture(...).parametrize()`: schemathesis 4.32.5's lazy schemas set
    `request.node._nodeid`, which pytest 9.2 no longer has (AttributeError before any request)."""
    for path in PATHS:
        with subtests.test(path):
            fuzz(api_schema[path]["GET"], path)


def fuzz(operation, path: str) -> None:
    statuses: Counter[int] = Counter()

    @FUZZ
    @given(case=cases(operation, path))
    def call_and_check(case):
        response = case.call(timeout=30)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    call_and_check()
    # It ran: as many requests as asked (the index takes no parameters: one request is all there
    # is), some of them answered with content, none throttled.
    assert statuses.total() >= (1 if path == "/api/v1/" else EXAMPLES * 3 // 4), statuses
    assert statuses[200] >= 1, statuses
    assert statuses[429] == 0, statuses
