"""Reading untrusted JSON for an import: each value is checked for its type where it is read,
and a wrong one raises :class:`ImportFormatError` with one sentence naming where it is
(``messages[3].content``), never a ``KeyError`` from deep inside.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any

from desktop.store.export_common import (
    ImportFormatError,
)


def describe(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def child_path(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


_TYPE_NAMES: dict[Any, str] = {
    str: "text",
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    dict: "an object",
    list: "a list",
}


def expect(value: Any, kind: Any, where: str, *, optional: bool = False) -> Any:
    """``value`` if it has JSON type ``kind`` (bools are not numbers), else a clear error."""
    if value is None and optional:
        return None
    ok: bool
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok:
            try:
                value = float(value)
            except OverflowError:  # an integer too large for a float
                ok = False
            else:
                ok = math.isfinite(value)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        wanted = _TYPE_NAMES[kind] + (" or null" if optional else "")
        raise ImportFormatError(f"“{where}” must be {wanted}.")
    if kind is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ImportFormatError(
                f"“{where}” contains a broken character (a lone surrogate)."
            ) from None
    return value


MISSING = object()


def get_field(
    obj: dict, key: str, kind: Any, where: str, *, default: Any = MISSING, optional: bool = False
) -> Any:
    """A field of ``obj``; missing fields take ``default`` or are an error when it has none."""
    path = child_path(where, key)
    if key not in obj:
        if default is MISSING:
            raise ImportFormatError(f"“{path}” is missing.")
        return default
    return expect(obj[key], kind, path, optional=optional)


def expect_enum(value: Any, enum: type[StrEnum], where: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    allowed = [member.value for member in enum]  # type: ignore[var-annotated]
    if not isinstance(value, str) or value not in allowed:
        raise ImportFormatError(f"“{where}” must be one of {', '.join(allowed)}.")
    return enum(value)
