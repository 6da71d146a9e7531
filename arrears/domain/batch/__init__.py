"""Columnar batch versions of the domain rules (Polars): pure functions over frames, keyed by
debtor, so any partition of debtors can be decided on its own (on one machine or on a
distributed engine) and the results concatenated."""
