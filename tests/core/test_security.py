"""Security headers on every page, a Content-Security-Policy the pages keep, and login throttling."""

import pytest
from django.urls import reverse

from tests.factories import make_annotation, make_topic_with_scenarios
from tests.inline import inline_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(outcomes, contributor):
    topic = make_topic_with_scenarios(outcomes)
    scenario = topic.scenarios.first()
    make_annotation(scenario, contributor, quote="The first paragraph")
    return ["/", "/topics/", topic.get_absolute_url(), scenario.get_absolute_url(), "/scenarios/?q=paragraph",
            reverse("login"), reverse("signup"), "/no-such-page/"]  # fmt: skip


def test_every_page_carries_the_security_headers(client, pages):
    for url in pages:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles_for_the_policy_to_block(client, pages, contributor):
    client.force_login(contributor)
    for url in pages:
        assert inline_code(client.get(url).text) == [], url


def test_the_admin_keeps_djangos_own_policy_free_pages(client, editor):
    client.force_login(editor)
    assert "Content-Security-Policy" not in client.get("/admin/")


def test_repeated_wrong_passwords_lock_that_login_out_for_a_while(client, contributor):
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "contributor", "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.text
    fifth = client.post(reverse("login"), {"username": "contributor", "password": "wrong"})
    assert fifth.status_code == 429
    locked = client.post(reverse("login"), {"username": "contributor", "password": "contributor-password"})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_touch_other_accounts(client, contributor, other_contributor):
    for _ in range(5):
        client.post(reverse("login"), {"username": "contributor", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "other", "password": "other-password"})
    assert response.status_code == 302


def test_an_oversized_request_body_is_refused_with_400(client, contributor, outcomes):
    scenario = make_topic_with_scenarios(outcomes).scenarios.first()
    client.force_login(contributor)
    response = client.post(f"{scenario.get_absolute_url()}annotations/", {"body": "x" * 3_000_000})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/healthz", "/feeds/scenarios.atom", "/sitemap.xml", "/robots.txt", "/accounts/login/"]
)
def test_htmx_headers_on_pages_not_made_for_htmx_change_nothing(client, db, url):
    plain = client.get(url)
    htmx = client.get(url, headers={"HX-Request": "true", "HX-Target": "thread", "HX-Boosted": "true"})
    assert htmx.status_code == plain.status_code == 200
    assert htmx["Content-Type"] == plain["Content-Type"]


def test_the_admin_address_comes_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "diplomacy.settings", "DJANGO_DEBUG": "1", "DJANGO_ADMIN_URL": "/back-office/"}
    script = "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "/back-office/", result.stderr


def test_the_inline_check_finds_what_the_policy_blocks_and_not_text_that_looks_like_it():
    page = (
        '<p style="color:red">x</p><script>alert(1)</script><script src="/a.js"></script><style>p{}</style>'
        '<a href="#" onclick="go()">y</a><textarea>&lt;iframe style="border:0"&gt;</textarea>'
    )
    assert inline_code(page) == [
        "style attribute on <p>",
        "inline script",
        "<style>",
        "onclick attribute on <a>",
    ]
