"""The API from a browser: read by a page on another site (CORS), and its docs working within the
Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_topic_with_scenarios

pytestmark = pytest.mark.django_db(transaction=True)

FETCH = """async ([url, credentials]) => {
  try {
    const response = await fetch(url, {credentials});
    return {status: response.status, etag: response.headers.get("ETag"), body: await response.json()};
  } catch (error) {
    return {error: String(error)};
  }
}"""


def test_a_page_on_another_site_reads_the_api_but_not_the_rest(page, live_server, other_origin, outcomes):
    make_topic_with_scenarios(outcomes, title="Arms control", slug="arms-control")
    page.goto(other_origin("reader.html", "<!doctype html><title>Another site</title><p>Elsewhere</p>"))
    assert not page.url.startswith(live_server.url)

    answer = page.evaluate(FETCH, [f"{live_server.url}/api/v1/topics", "omit"])
    assert answer["status"] == 200 and answer["etag"]  # the ETag header is exposed to the page
    assert [topic["title"] for topic in answer["body"]["items"]] == ["Arms control"]

    # With cookies the browser refuses the answer: the API never lets credentials through.
    assert "Failed to fetch" in page.evaluate(FETCH, [f"{live_server.url}/api/v1/topics", "include"])["error"]
    # And the site's other pages stay closed to other origins.
    assert "Failed to fetch" in page.evaluate(FETCH, [f"{live_server.url}/topics/arms-control/", "omit"])["error"]


def test_the_docs_list_the_endpoints_and_try_one(page, live_server, outcomes):
    make_topic_with_scenarios(outcomes, title="Arms control", slug="arms-control")
    page.goto("/api/docs/")
    operation = page.locator("#operations-topics-diplomacy_api_api_topics")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("Arms control")
