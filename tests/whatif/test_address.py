"""Reading a what-if's address, and writing it back the one way."""

from hypothesis import given
from hypothesis import strategies as st

from diplomacy.whatif import address

FACTORS = {"deal-making": "Trump's deal-making", "congress": "Congress", "lack-of-trust": "Lack of trust"}
INERT = {"expiring-treaties": "Expiring treaties does not act on Climate, so setting it changes nothing here."}


def read(**query):
    return address.read(
        {key: value if isinstance(value, list) else [value] for key, value in query.items()}, FACTORS, INERT
    )


def test_settings_in_the_factors_order_and_zeros_left_out():
    reading = read(**{"lack-of-trust": "-2", "congress": "0", "deal-making": "1"})
    assert reading.settings == {"deal-making": 1, "lack-of-trust": -2}
    assert list(reading.settings) == ["deal-making", "lack-of-trust"]
    assert reading.query == "deal-making=1&lack-of-trust=-2"
    assert reading.ignored == []


def test_nothing_set_is_the_editors_view():
    assert read().settings == {}
    assert read().query == ""


def test_signs_spaces_and_a_typographic_minus_are_read():
    assert read(congress="+2").settings == {"congress": 2}
    assert read(congress=" -1 ").settings == {"congress": -1}
    assert read(congress="\u22122").settings == {"congress": -2}


def test_values_out_of_range_or_not_numbers_are_ignored_with_a_sentence():
    for value in ["3", "-3", "1.5", "", "two", "²", "١", "01", "--1", "1e0", "x" * 500]:
        reading = read(congress=value)
        assert reading.settings == {}, value
        (sentence,) = reading.ignored
        assert sentence.startswith("Congress is set from −2 to 2, not “")
        assert len(sentence) < 140  # a long value is cut, not echoed whole


def test_unknown_factors_inert_factors_and_repeats_are_ignored_with_a_sentence():
    reading = read(**{"nonsense": "1", "expiring-treaties": "2", "congress": ["1", "2"], "deal-making": "2"})
    assert reading.settings == {"deal-making": 2}
    assert reading.ignored == [
        "“nonsense” is not one of the forces here, so it was ignored.",
        INERT["expiring-treaties"],
        "Congress was set more than once, so it is left as the editors see it.",
    ]


def test_many_ignored_things_are_counted_not_listed():
    reading = address.read({f"junk-{n}": ["1"] for n in range(50)}, FACTORS, INERT)
    assert len(reading.ignored) == address.SAID_AT_MOST + 1
    assert reading.ignored[-1] == "45 more things in the address were ignored."


@given(st.dictionaries(st.text(max_size=12), st.lists(st.text(max_size=6), max_size=3), max_size=8))
def test_any_query_reads_to_valid_settings_and_one_address(query):
    reading = address.read(query, FACTORS, INERT)
    assert set(reading.settings) <= set(FACTORS)
    assert all(value in (-2, -1, 1, 2) for value in reading.settings.values())
    assert list(reading.settings) == [slug for slug in FACTORS if slug in reading.settings]
    again = address.read({key: [value] for key, value in reading.settings.items()}, FACTORS, INERT)
    assert again.settings == reading.settings and again.ignored == [] and again.query == reading.query


@given(st.dictionaries(st.sampled_from(list(FACTORS)), st.integers(-2, 2)))
def test_the_canonical_address_reads_back_to_the_same_settings(settings):
    reading = address.read({key: [str(value)] for key, value in settings.items()}, FACTORS, {})
    assert reading.settings == {key: value for key, value in settings.items() if value}
    assert address.read({k: [v] for k, v in _pairs(reading.query)}, FACTORS, {}).settings == reading.settings


def _pairs(query):
    return [tuple(pair.split("=")) for pair in query.split("&")] if query else []
