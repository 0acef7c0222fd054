"""diplomacy: explore the possible outcomes of US–Russia leader talks."""
