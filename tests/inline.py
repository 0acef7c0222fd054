"""What the Content-Security-Policy would block on a page: inline scripts, <style> elements, style
attributes and event-handler attributes. Read with an HTML parser, so that text that only looks
like markup (an iframe snippet shown in a textarea for other sites to copy) is not taken for it."""

from html.parser import HTMLParser


class _Inline(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline script")
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}>")
        self.found += [f"{name} attribute on <{tag}>" for name in sorted(names) if name.startswith("on")]


def inline_code(html: str) -> list[str]:
    """Each inline script, style element, style attribute and event handler on the page."""
    parser = _Inline()
    parser.feed(html)
    parser.close()
    return parser.found
