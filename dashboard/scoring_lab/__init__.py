"""The scoring lab: re-score history under edited scoring rules and MQL threshold (the Scoring lab page)."""
