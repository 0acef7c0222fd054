"""Browser tests: Playwright drives the system's Chromium against a live server.

Chromium comes from CHROMIUM or /usr/bin/chromium (Debian's package; Playwright's
own browser download does not work here). Without one the tests are skipped
loudly, unless REQUIRE_BROWSER=1, where that is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make to set up data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    candidate = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    path = Path(candidate) if "/" in candidate else shutil.which(candidate)
    return str(path) if path and Path(path).exists() else None


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        message = (
            "BROWSER TESTS NOT RUN: no Chromium at $CHROMIUM or /usr/bin/chromium "
            "(install Debian's `chromium` package, or set CHROMIUM=/path/to/chromium)."
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The Content-Security-Policy forbids inline scripts and styles: a violation is a bug.
    page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
    yield page
    context.close()
    assert not errors, f"JavaScript errors or policy violations on the page: {errors}"


@pytest.fixture
def other_origin(tmp_path):
    """Another site: a plain HTTP server on its own port (so its own origin) serving the pages a
    test writes into it. Yields a function: page name and HTML in, the page's address out."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(name: str, html: str) -> str:
        (tmp_path / name).write_text(html, encoding="utf-8")
        return f"http://127.0.0.1:{server.server_address[1]}/{name}"

    yield serve
    server.shutdown()
    server.server_close()
