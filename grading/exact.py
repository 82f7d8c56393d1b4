"""Exact score arithmetic: points are Fractions, computed scores are integer ticks.

Contract: every score the library computes is an integer number of *ticks*, a tick
being 1/scale of a point, with one scale per result. Sums and tie comparisons are
then exact: no float rounding can split a true tie or merge two different totals
(partial credit of 2/3 of a point would otherwise do both). Floats appear only for
display.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from grading.errors import PolicyError

Number = int | Fraction | Decimal | float | str
"""What a caller may give for points, steps, tolerances and fractions."""


def as_fraction(value: Number, *, field: str) -> Fraction:
    """The exact value of `value`; a float is read as the decimal it prints as (0.1 is 1/10)."""
    if isinstance(value, bool):
        raise PolicyError(field, f"expected a number, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PolicyError(field, f"expected a finite number, got {value!r}")
        # repr is the shortest decimal that round-trips: what the user typed in the TOML.
        return Fraction(repr(value))
    if isinstance(value, int | Fraction | Decimal):
        try:
            return Fraction(value)
        except (ValueError, OverflowError) as exc:
            raise PolicyError(field, f"expected a finite number, got {value!r}") from exc
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError) as exc:
            raise PolicyError(field, f"cannot read {value!r} as a number") from exc
    raise PolicyError(field, f"expected a number, got {type(value).__name__}")


def common_scale(values: Iterable[Fraction]) -> int:
    """The smallest number of ticks per point that makes every value a whole tick count."""
    scale = 1
    for v in values:
        scale = math.lcm(scale, v.denominator)
    return scale


def to_ticks(value: Fraction, scale: int) -> int:
    """`value` points in ticks of 1/scale; refuses a value that is not a whole tick count."""
    t = value * scale
    if t.denominator != 1:
        raise ValueError(f"{value} is not a multiple of 1/{scale}")
    return t.numerator


def ticks_to_fraction(ticks: int, scale: int) -> Fraction:
    return Fraction(int(ticks), scale)


def format_points(value: Fraction) -> str:
    """Exact text: a decimal when it terminates ("20.5", "13"), else "n/d" ("41/3")."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    if digits == 0:
        return str(value.numerator)
    scaled = value * 10**digits
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled.numerator), 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"
