"""Sanitizing: contributors' Markdown and HTML never carry anything executable onto the page."""

import re
from html.parser import HTMLParser

import pytest

from diplomacy.annotations.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    '<svg onload=alert(1)><circle r="10"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<p onclick=alert(1)>text</p>",
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<b><i>unclosed <u>nested",
    '"><script>alert(1)</script>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<object data="javascript:alert(1)"></object>',
    "<!-- <script>alert(1)</script> -->",
    "[x](https://ok.example 'title\" onmouseover=\"alert(1)')",
    "<style>body{display:none}</style>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
]


DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "img", "base", "meta", "link"}
URL_ATTRIBUTES = {"href", "src", "action", "data", "formaction", "xlink:href"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            plain = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on") or name == "style":
                self.found.append(f"{name}=")
            if name in URL_ATTRIBUTES and plain.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{name}={plain[:20]}")


def executable(html: str) -> list[str]:
    """What in `html` a browser would run: script-like elements, event handlers, script URLs (parsed, not grepped)."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.mark.parametrize("hostile", HOSTILE)
def test_nothing_executable_survives(hostile):
    html = render_markdown(hostile)
    assert executable(html) == [], html


HARMLESS_AS_IS = {"<!-- <script>alert(1)</script> -->", "<scr<script>ipt>alert(1)</script>", "<b><i>unclosed <u>nested"}


@pytest.mark.parametrize("hostile", [h for h in HOSTILE if h.startswith("<") and h not in HARMLESS_AS_IS])
def test_the_detector_catches_the_raw_payloads(hostile):
    assert executable(hostile), "the check would not notice this payload if it passed through unsanitized"


def test_safe_markdown_is_kept():
    html = render_markdown("Some *emphasis*, **strong**, `code`.\n\n> a quote\n\n- one\n- two\n\n1. first")
    for tag in ("<em>emphasis</em>", "<strong>strong</strong>", "<code>code</code>", "<blockquote>", "<ul>", "<ol>"):
        assert tag in html


def test_links_keep_http_and_get_nofollow_noopener():
    html = render_markdown("[report](https://example.org/a?b=1&c=2) and [mail](mailto:someone@example.org)")
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener">report</a>' in html
    assert 'href="mailto:someone@example.org"' in html


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<b>bold?</b>")
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
