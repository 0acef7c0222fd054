"""Size budgets: the home page's HTML and all the JavaScript the site sends stay small."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_outcome, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
STATIC = Path(settings.BASE_DIR) / "static"


def test_the_home_page_stays_under_60_kb_however_many_topics_there_are(client):
    outcomes = [make_outcome() for _ in range(10)]
    for _ in range(30):
        make_topic_with_scenarios(outcomes)
    html = client.get("/").content
    assert len(html) < 60_000, f"the home page is {len(html):,} bytes"


def test_all_javascript_the_site_sends_is_under_30_kb_compressed(client):
    html = client.get("/").text
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    assert scripts, "no scripts found on the page"
    compressed = sum(len(gzip.compress((STATIC / path).read_bytes())) for path in scripts)
    assert compressed < 30_000, f"{compressed:,} bytes of JavaScript, compressed"
