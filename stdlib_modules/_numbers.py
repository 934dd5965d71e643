"""Number helpers shared by the math, list and data modules: 64-bit Int range checks and Int/Float kinds.

Imports nothing from cst_cli; pure functions only.
"""

from __future__ import annotations

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def int64(who: str, value: int) -> int:
    """`value` if it fits the language's 64-bit Int.

    Raises:
        OverflowError: naming the module `who`.
    """
    if not INT64_MIN <= value <= INT64_MAX:
        raise OverflowError(f"{who}: result {value} does not fit in a 64-bit Int")
    return value


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_kind(who: str, result: int | float, *args: int | float) -> int | float:
    """The result as a Float when any argument is a Float (Int widens to Float), else a checked Int.

    Where a generic number parameter was inferred as Float, an argument may still arrive as a Python int;
    the result is a float then, so the value matches the type the checker gave the call.
    """
    if all(is_int(a) for a in args) and is_int(result):
        return int64(who, int(result))
    return float(result)
