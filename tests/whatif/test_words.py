"""What a what-if says in words: its settings, in a line, and as a question (no database)."""

from diplomacy.scenarios.models import Factor
from diplomacy.whatif.address import Reading
from diplomacy.whatif.pages import Forces, Lever

CONGRESS = Factor(slug="congress", name="Congress", weaker="Congress resists less", stronger="Congress resists more")
TRUST = Factor(slug="lack-of-trust", name="Lack of trust")
FORCES = Forces(levers=[Lever(CONGRESS, []), Lever(TRUST, [])], inert={})


def test_the_settings_in_words_in_the_forces_order():
    reading = Reading({"congress": 2, "lack-of-trust": -1})
    assert FORCES.chosen(reading) == ["Congress: much stronger", "Lack of trust: weaker"]
    assert FORCES.summary(reading) == "Congress much stronger; Lack of trust weaker"
    assert FORCES.summary(Reading({})) == ""


def test_one_force_one_step_is_asked_in_its_own_words():
    assert FORCES.question(Reading({"congress": -1})) == "What if Congress resists less?"
    assert FORCES.question(Reading({"congress": 1})) == "What if Congress resists more?"
    assert FORCES.question(Reading({"lack-of-trust": 1})) == "What if Lack of trust counted for more?"


def test_two_steps_or_two_forces_are_the_settings_in_a_line():
    assert FORCES.question(Reading({"congress": 2})) == "Congress much stronger"
    assert FORCES.question(Reading({"congress": -1, "lack-of-trust": 1})) == "Congress weaker; Lack of trust stronger"
