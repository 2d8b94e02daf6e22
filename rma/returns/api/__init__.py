"""Returns API: one module per area (eligibility, reason codes, list, create, one return and its transitions)."""
