"""Search snippets are escaped text with only our own <mark> tags."""

from diplomacy.scenarios.models import MATCH_END, MATCH_START
from diplomacy.scenarios.text import highlight, marked


def test_highlight_marks_every_searched_word_case_insensitively():
    html = highlight("Sanctions relief would come in stages; sanctions stay otherwise.", ["sanctions"])
    assert html.count("<mark>") == 2
    assert "<mark>Sanctions</mark> relief" in html


def test_highlight_escapes_the_text_around_the_marks():
    html = highlight('A <script>alert("x")</script> and a deal', ["deal"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>deal</mark>" in html


def test_highlight_treats_words_literally():
    assert "<mark>(a+b)</mark>" in highlight("The sum (a+b) matters.", ["(a+b)"])


def test_highlight_shows_a_window_around_the_first_match():
    text = "Filler words. " * 40 + "The treaty expires." + " More filler." * 40
    html = highlight(text, ["treaty"], width=120)
    assert "<mark>treaty</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 200


def test_highlight_without_words_is_the_start_of_the_text():
    assert highlight("Short text.", []) == "Short text."


def test_marked_turns_postgres_markers_into_marks_and_escapes_the_rest():
    html = marked(f"a <b> {MATCH_START}deal{MATCH_END} & more")
    assert html == "a &lt;b&gt; <mark>deal</mark> &amp; more"
