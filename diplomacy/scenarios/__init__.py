"""Topics, outcomes, scenarios, factors and their sources: the editorial content."""
