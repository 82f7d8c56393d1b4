"""Use cases. The only code that opens database sessions; each function takes a
keyword-only `session` and returns plain read models (dataclasses)."""
