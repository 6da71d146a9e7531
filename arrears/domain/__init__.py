"""The rules of collection (see DOMAIN.md), as plain Python and Polars: no Django here.

Every module opens with the DOMAIN.md section it implements. Dates are always passed in
(`as_of`), never read from the clock, so that any run can be replayed.
"""
