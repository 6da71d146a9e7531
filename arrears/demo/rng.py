"""Seeded random columns as Polars expressions (a counter-based SplitMix64).

Each draw is a pure function of (seed, table, stream, row index), so a column never depends on
the order in which other columns were drawn, and the same seed gives the same ledger on any
machine and any Polars version (no numpy, no engine-specific hashing). All arithmetic is on
UInt64 with wrap-around, which Polars does for `*` and `+`.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import polars as pl

ROW = "_i"  # the row-index column every frame that draws from an Rng must carry
_MASK = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
PER_MILLE = 1000


def _u64(value: int) -> pl.Expr:
    return pl.lit(value & _MASK, dtype=pl.UInt64)


def _mix(z: pl.Expr) -> pl.Expr:
    """SplitMix64's finaliser; `// 2**k` is the right shift Polars lacks on expressions."""
    z = (z ^ (z // _u64(1 << 30))) * _u64(0xBF58476D1CE4E5B9)
    z = (z ^ (z // _u64(1 << 27))) * _u64(0x94D049BB133111EB)
    return z ^ (z // _u64(1 << 31))


def _mix_int(z: int) -> int:
    """The same finaliser on a Python int (used to derive each stream's key)."""
    z &= _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def row_index() -> pl.Expr:
    """The `_i` column to add to a frame before drawing."""
    return pl.int_range(pl.len(), dtype=pl.UInt64).alias(ROW)


class Rng:
    """Independent random streams for the rows of one table, named by string."""

    def __init__(self, seed: int, table: str) -> None:
        self._base = _mix_int(_mix_int(seed) ^ zlib.crc32(table.encode()))

    def bits(self, stream: str) -> pl.Expr:
        """64 random bits per row."""
        key = _mix_int(self._base ^ (zlib.crc32(stream.encode()) * _GAMMA))
        return _mix(_u64(key) + (pl.col(ROW) + _u64(1)) * _u64(_GAMMA))

    def below(self, stream: str, n: int | pl.Expr) -> pl.Expr:
        """Uniform integer in [0, n) (n >= 1; the modulo bias is below 1e-12 for our sizes)."""
        bound = _u64(n) if isinstance(n, int) else n.cast(pl.UInt64)
        return (self.bits(stream) % bound).cast(pl.Int64)

    def between(self, stream: str, lo: int | pl.Expr, hi: int | pl.Expr) -> pl.Expr:
        """Uniform integer in [lo, hi], both inclusive."""
        lo_e = pl.lit(lo) if isinstance(lo, int) else lo
        hi_e = pl.lit(hi) if isinstance(hi, int) else hi
        return lo_e + self.below(stream, hi_e - lo_e + 1)

    def chance(self, stream: str, per_mille: int | pl.Expr) -> pl.Expr:
        """True with probability per_mille / 1000."""
        return self.below(stream, PER_MILLE) < per_mille

    def digits(self, stream: str, width: int) -> pl.Expr:
        """A string of `width` random decimal digits (width <= 18)."""
        return self.below(stream, 10**width).cast(pl.String).str.zfill(width)

    def choose(
        self,
        stream: str,
        tables: Sequence[Sequence[tuple[Any, int]]],
        dtype: pl.DataType,
        group: pl.Expr | None = None,
    ) -> pl.Expr:
        """A weighted choice: `tables[group]` lists (value, weight per mille) summing to 1000.

        Implemented as one gather from a lookup of 1000 slots per group: fast on a million rows.
        """
        slots: list[Any] = []
        for table in tables:
            total = sum(w for _, w in table)
            if total != PER_MILLE:
                raise ValueError(f"weights must sum to {PER_MILLE}, got {total}: {table}")
            for value, weight in table:
                slots.extend([value] * weight)
        index = self.below(stream, PER_MILLE)
        if group is not None:
            index = group.cast(pl.Int64) * PER_MILLE + index
        return pl.lit(pl.Series(slots, dtype=dtype)).gather(index)

    def pick(self, stream: str, values: Sequence[Any], dtype: pl.DataType) -> pl.Expr:
        """A uniform choice among `values`."""
        return pl.lit(pl.Series(list(values), dtype=dtype)).gather(self.below(stream, len(values)))
