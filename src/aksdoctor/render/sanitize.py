"""Every string of a diagnosis made safe for a terminal before any renderer sees it, and the walk over a
diagnosis's strings that --redact (render/redact.py) shares. No pattern is compiled here: every report goes
through sanitize."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from ..model import Diagnosis


def sanitize(diagnosis: Diagnosis) -> Diagnosis:
    """A copy with every string safe for a terminal (no escape sequence, no control character but newline
    and tab): the sources clean what they read; this keeps every renderer safe whatever reached the model."""
    from ..scrub import clean

    return map_strings(diagnosis, clean)


def strings_of(obj: Any) -> list[str]:
    """Every string in a model object (dataclasses, lists, tuples, dict keys and values), in order."""
    if isinstance(obj, enum.Enum):
        return []
    if isinstance(obj, str):
        return [obj]
    if dataclasses.is_dataclass(obj):
        return [s for f in dataclasses.fields(obj) for s in strings_of(getattr(obj, f.name))]
    if isinstance(obj, (list, tuple)):
        return [s for item in obj for s in strings_of(item)]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in (*strings_of(k), *strings_of(v))]
    return []


def map_strings(obj: Any, fn: Any) -> Any:
    """A copy of a model object with fn applied to every string in it (enums kept)."""
    if isinstance(obj, enum.Enum):
        return obj
    if isinstance(obj, str):
        return fn(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.replace(
            obj, **{f.name: map_strings(getattr(obj, f.name), fn) for f in dataclasses.fields(obj) if f.init}
        )
    if isinstance(obj, list):
        return [map_strings(item, fn) for item in obj]
    if isinstance(obj, tuple):
        return tuple(map_strings(item, fn) for item in obj)
    if isinstance(obj, dict):
        return {fn(k) if isinstance(k, str) else k: map_strings(v, fn) for k, v in obj.items()}
    return obj


__all__ = ["map_strings", "sanitize", "strings_of"]
