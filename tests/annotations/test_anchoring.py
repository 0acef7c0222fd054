"""Anchored quotes are found again, and the narrative is drawn with escaped, linked highlights."""

from diplomacy.annotations.anchoring import Anchor, locate, render_narrative

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
