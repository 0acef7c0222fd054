"""Anchored quotes are found again, and the narrative is drawn with escaped, linked highlights."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diplomacy.annotations.anchoring import CONTEXT, Anchor, Quote, locate, quote, render_narrative

TEXT = "The talks open. Both sides agree to talk again.\n\nLater, both sides agree to disagree."


def test_a_quote_that_occurs_once_is_found():
    start, end = locate(TEXT, "open")
    assert TEXT[start:end] == "open"


def test_the_text_around_a_quote_tells_repeated_words_apart():
    assert TEXT.count("sides agree to") == 2
    first = locate(TEXT, "sides agree to", prefix="open. Both ", suffix=" talk")
    second = locate(TEXT, "sides agree to", prefix="Later, both ", suffix=" disagree")
    assert TEXT[first[1] :].startswith(" talk again")
    assert TEXT[second[1] :].startswith(" disagree")


def test_a_quote_survives_edits_elsewhere_in_the_text():
    quote = locate(TEXT, "agree to disagree", prefix="both sides ", suffix=".")
    edited = "A new opening sentence. " + TEXT.replace("talk again", "meet once more")
    start, end = locate(edited, "agree to disagree", prefix="both sides ", suffix=".")
    assert edited[start:end] == "agree to disagree"
    assert quote is not None


def test_a_quote_whose_words_are_gone_is_detached():
    assert locate(TEXT.replace("open", "begin"), "The talks open") is None
    assert locate(TEXT, "") is None


def test_the_narrative_is_drawn_as_paragraphs_with_their_offsets():
    html = render_narrative(TEXT, [])
    assert html == (
        '<p data-offset="0">The talks open. Both sides agree to talk again.</p>\n'
        '<p data-offset="49">Later, both sides agree to disagree.</p>'
    )


def test_highlights_link_to_their_annotation_and_are_linked_back_to():
    start, end = locate(TEXT, "agree to disagree")
    html = render_narrative(TEXT, [Anchor(7, start, end, "#annotation-7")])
    assert '<span id="passage-7"></span>' in html
    assert '<a class="passage" href="#annotation-7" data-annotations="7"><mark>agree to disagree</mark></a>' in html


def test_overlapping_highlights_keep_every_annotation_reachable():
    html = render_narrative(TEXT, [Anchor(1, 0, 15, "#annotation-1"), Anchor(2, 10, 30, "#annotation-2")])
    assert '<span id="passage-1"></span>' in html and '<span id="passage-2"></span>' in html
    assert 'data-annotations="1 2"><mark>open.</mark>' in html
    assert html.count("<mark>") == 3


def test_a_highlight_across_paragraphs_is_drawn_in_each():
    html = render_narrative(TEXT, [Anchor(3, 40, 60, "#annotation-3")])
    assert html.count("<mark>") == 2
    assert html.count('id="passage-3"') == 1


def test_the_narrative_is_escaped():
    html = render_narrative('<script>alert("x")</script>\n\nfine', [Anchor(1, 0, 8, '#a"onmouseover="x')])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="#a&quot;onmouseover=&quot;x"' in html


# What a reader quoted: the browser says where the words are, the server keeps the text around them.


def test_a_selection_is_kept_with_the_text_before_and_after_it():
    start = TEXT.index("sides agree to disagree")
    found = quote(TEXT, "sides agree to disagree", start, start + len("sides agree to disagree"))
    assert found == Quote("sides agree to disagree", TEXT[start - CONTEXT : start], ".")


def test_the_selected_occurrence_wins_over_the_first():
    second = TEXT.index("sides agree to", TEXT.index("sides agree to") + 1)
    found = quote(TEXT, "sides agree to", second, second + len("sides agree to"))
    assert found is not None and found.prefix.endswith("Later, both ")


def test_a_selection_across_paragraphs_matches_whatever_whitespace_the_browser_gives():
    start, end = TEXT.index("talk again."), TEXT.index("Later,") + len("Later,")
    for words in ("talk again.\n\nLater,", "talk again.\nLater,", "talk again.Later,", " talk again. Later, "):
        assert quote(TEXT, words, start, end).exact == "talk again.\n\nLater,"


def test_without_a_position_the_first_occurrence_of_typed_words_is_taken():
    assert quote(TEXT, "sides   agree to").prefix == "The talks open. Both "
    assert quote(TEXT, "talk again. Later,").exact == "talk again.\n\nLater,"


@pytest.mark.parametrize(
    ("words", "start", "end"),
    [("not in the text", None, None), ("", None, None), ("   ", 0, 5), ("open", 10_000, 10_010), ("open", 5, 2)],
)
def test_words_that_are_not_there_or_a_position_that_is_not_are_handled(words, start, end):
    found = quote(TEXT, words, start, end)
    assert found is None or found.exact == "open"


def test_a_position_that_does_not_hold_the_words_falls_back_to_finding_them():
    assert quote(TEXT, "disagree", 0, 8).exact == "disagree"


@given(st.data())
def test_any_selection_of_the_text_is_kept_exactly(data):
    text = data.draw(st.text(alphabet="ab \n.", min_size=1, max_size=60))
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    selected = text[start:end]
    found = quote(text, selected, start, end)
    if not selected.strip():
        assert found is None
        return
    assert found.exact == selected.strip()
    left = start + len(selected) - len(selected.lstrip())
    assert text[left : left + len(found.exact)] == found.exact
    assert found.prefix == text[max(0, left - CONTEXT) : left]
    assert found.suffix == text[left + len(found.exact) : left + len(found.exact) + CONTEXT]
