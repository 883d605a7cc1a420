"""Label and field selectors, evaluated on objects for the bundle source (the API server does it live)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Matcher = Callable[[dict[str, Any]], bool]

_SET_RE = re.compile(r"^\s*(!?)([A-Za-z0-9./_-]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")
_EQ_RE = re.compile(r"^\s*([A-Za-z0-9./_-]+)\s*(==|!=|=)\s*([A-Za-z0-9._-]*)\s*$")
_EXISTS_RE = re.compile(r"^\s*(!?)([A-Za-z0-9./_-]+)\s*$")


def label_matcher(selector: str | None) -> Matcher:
    """A predicate for a label selector (k=v, k!=v, k in (a,b), k notin (a), k, !k)."""
    if not selector:
        return lambda obj: True
    tests = [_label_term(term) for term in _split_terms(selector)]
    return lambda obj: all(t((obj.get("metadata") or {}).get("labels") or {}) for t in tests)


def field_matcher(selector: str | None) -> Matcher:
    """A predicate for a field selector (dotted.path=v, dotted.path!=v)."""
    if not selector:
        return lambda obj: True
    tests = []
    for term in selector.split(","):
        match = _EQ_RE.match(term)
        if not match:
            raise ValueError(f"unsupported field selector term {term!r}")
        path, op, value = match.groups()
        tests.append(_field_term(path, op, value))
    return lambda obj: all(t(obj) for t in tests)


def dig(obj: Any, path: str, default: Any = None) -> Any:
    """Follow a dotted path through nested dicts; default where any step is missing."""
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    return cur


def _split_terms(selector: str) -> list[str]:
    terms, depth, start = [], 0, 0
    for i, ch in enumerate(selector):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            terms.append(selector[start:i])
            start = i + 1
    terms.append(selector[start:])
    return [t for t in terms if t.strip()]


def _label_term(term: str) -> Callable[[dict[str, str]], bool]:
    if match := _SET_RE.match(term):
        _, key, op, values = match.groups()
        allowed = {v.strip() for v in values.split(",") if v.strip()}
        if op == "in":
            return lambda labels: labels.get(key) in allowed
        return lambda labels: labels.get(key) not in allowed
    if match := _EQ_RE.match(term):
        key, op, value = match.groups()
        if op == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    if match := _EXISTS_RE.match(term):
        neg, key = match.groups()
        return (lambda labels: key not in labels) if neg else (lambda labels: key in labels)
    raise ValueError(f"unsupported label selector term {term!r}")


def _field_term(path: str, op: str, value: str) -> Matcher:
    def actual(obj: dict[str, Any]) -> str:
        got = dig(obj, path)
        return "" if got is None else str(got)

    if op == "!=":
        return lambda obj: actual(obj) != value
    return lambda obj: actual(obj) == value


def parse_resource_id(resource_id: str) -> dict[str, str]:
    """Split an ARM id into subscription, resource_group, provider, type and name (last segment)."""
    parts = [p for p in resource_id.split("/") if p]
    out: dict[str, str] = {}
    low = [p.lower() for p in parts]
    if "subscriptions" in low:
        out["subscription"] = parts[low.index("subscriptions") + 1]
    if "resourcegroups" in low:
        out["resource_group"] = parts[low.index("resourcegroups") + 1]
    if "providers" in low:
        i = len(low) - 1 - low[::-1].index("providers")
        out["provider"] = parts[i + 1] if i + 1 < len(parts) else ""
        out["type"] = parts[i + 2] if i + 2 < len(parts) else ""
    if parts:
        out["name"] = parts[-1]
    return out



def resource_group_of(resource_id: str) -> str:
    """The resource group an ARM id names ('' when none)."""
    return parse_resource_id(resource_id).get("resource_group", "")


def subscription_of(resource_id: str) -> str:
    """The subscription an ARM id names ('' when none)."""
    return parse_resource_id(resource_id).get("subscription", "")


def name_of(resource_id: str) -> str:
    """The last segment of an ARM id: the resource's own name."""
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


__all__ = [
    "dig",
    "field_matcher",
    "label_matcher",
    "name_of",
    "parse_resource_id",
    "resource_group_of",
    "subscription_of",
]
