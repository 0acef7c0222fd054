"""Retake the README's screenshots from a running `make run` (seeded content), in Debian's Chromium.

.venv/bin/python docs/screenshots/take.py [http://127.0.0.1:8000]

The estimate and scores shots need readers' estimates and a resolved topic, and a reader to log
in as: SCREENSHOT_LOGIN=username:password (they are skipped without it).
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
HERE = Path(__file__).resolve().parent
COMPARE = "/compare/?s=ukraine/humanitarian-steps-and-partial-truce&s=ukraine/conflict-grinds-on"
SHOTS = [
    # name, path, width, height, colour scheme
    ("home", "/", 1280, 1000, "light"),
    ("topic", "/topics/ukraine/", 1280, 1000, "light"),
    ("explore", "/scenarios/?q=treaties", 1280, 900, "light"),
    ("compare", COMPARE, 1280, 900, "dark"),
    ("phone-topic", "/topics/arms-control/", 390, 844, "dark"),
    ("whatif", "/topics/arms-control/what-if/?congress=2&lack-of-trust=-1", 1280, 900, "light"),
]

# name, path, the element to take, width, colour scheme: as a signed-in reader
READER_SHOTS = [
    ("estimate", "/topics/arms-control/", "#your-estimate", 1280, "light"),
    ("scores", "/scores/", "main", 1280, "dark"),
]


def as_reader(browser, login: str) -> None:
    username, password = login.split(":", 1)
    for name, path, selector, width, scheme in READER_SHOTS:
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page.goto(BASE + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("main button[type=submit]").click()
        page.goto(BASE + path)
        page.locator(selector).first.screenshot(path=HERE / f"{name}.png")
        page.close()
        print(HERE / f"{name}.png")


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
    if login := os.environ.get("SCREENSHOT_LOGIN"):
        as_reader(browser, login)
    for name, path, width, height, scheme in SHOTS:
        page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
        page.goto(BASE + path)
        page.screenshot(path=HERE / f"{name}.png")
        if name == "topic" and page.locator("svg.chart").count():
            page.locator("section:has(svg.chart)").first.screenshot(path=HERE / "history.png")
        page.close()
        print(HERE / f"{name}.png")
    browser.close()
