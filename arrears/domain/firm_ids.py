"""A firm's VAT or registration number as a key: spaces and case ignored ("de 123 456" is
"DE123456"). The one rule the payables file (finding the supplier) and the clearing across
the companies' ledgers (finding one firm in several ledgers) both follow."""

from __future__ import annotations

import polars as pl


def id_key(number: pl.Expr) -> pl.Expr:
    """`number` without whitespace, in capitals ("" stays "", null stays null)."""
    return number.str.replace_all(r"\s", "").str.to_uppercase()
