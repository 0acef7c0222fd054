"""Anchored quotes are found again, and the narrative is drawn with escaped, linked highlights."""

import re

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
    assert 'href="#annotation-7" data-annotations="7"><mark>agree to disagree</mark></a>' in html


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


def _passages(html: str) -> list[dict[str, str]]:
    """Each highlighted piece's attributes, with its words as "words"."""
    pattern = r'<a class="passage" ([^>]*)><mark>(.*?)</mark></a>'
    return [
        dict(re.findall(r'([a-z-]+)="([^"]*)"', attributes), words=words)
        for attributes, words in re.findall(pattern, html)
    ]


def test_a_highlight_carries_its_annotations_preview_and_count():
    start, end = locate(TEXT, "agree to disagree")
    html = render_narrative(TEXT, [Anchor(7, start, end, "#annotation-7", "Evidence · ana: a treaty says so")])
    [passage] = _passages(html)
    assert passage["data-preview"] == "Evidence · ana: a treaty says so"
    assert passage["data-count"] == "1"
    assert passage["aria-label"] == "agree to disagree (annotated passage: Evidence · ana: a treaty says so)"


def test_overlapping_highlights_count_the_annotations_covering_each_piece():
    anchors = [
        Anchor(1, 0, 15, "#annotation-1", "Note · ana: first"),
        Anchor(2, 10, 30, "#annotation-2", "Question · bo: second"),
        Anchor(3, 4, 12, "#annotation-3", "Evidence · cy: third"),
    ]
    passages = _passages(render_narrative(TEXT, anchors))
    assert [(p["words"], p["data-annotations"], p["data-count"]) for p in passages] == [
        ("The ", "1", "1"),
        ("talks ", "1 3", "2"),
        ("op", "1 3 2", "3"),
        ("en.", "1 2", "2"),
        (" Both sides agr", "2", "1"),
    ]
    # The earliest-starting annotation speaks for each piece.
    assert [p["data-preview"] for p in passages] == ["Note · ana: first"] * 4 + ["Question · bo: second"]
    assert passages[2]["aria-label"] == "op (3 annotations: Note · ana: first)"


def test_a_highlight_across_paragraphs_counts_its_annotation_once_in_each():
    passages = _passages(render_narrative(TEXT, [Anchor(3, 40, 60, "#annotation-3", "Note · ana: x")]))
    assert [p["data-count"] for p in passages] == ["1", "1"]


def test_a_highlight_without_a_preview_has_no_empty_tooltip():
    [passage] = _passages(render_narrative(TEXT, [Anchor(4, 0, 9, "#annotation-4")]))
    assert "data-preview" not in passage
    assert passage["aria-label"] == "The talks (annotated passage)"


def test_a_preview_cannot_break_out_of_its_attributes():
    payload = '"><script>alert(1)</script><img src=x onerror="alert(2)'
    html = render_narrative(TEXT, [Anchor(5, 0, 9, "#annotation-5", f"Note · {payload}: {payload}")])
    assert "<script>" not in html and "<img" not in html
    [passage] = _passages(html)
    assert passage["data-preview"].startswith("Note · &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img")
    assert passage["aria-label"].startswith("The talks (annotated passage: Note · &quot;&gt;&lt;script&gt;")
    assert set(passage) == {"aria-label", "data-preview", "data-count", "href", "data-annotations", "words"}


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
