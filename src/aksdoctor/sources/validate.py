"""Is this evidence an object we can reason on? Checked before any probe runs.

Two checks: the Kubernetes OpenAPI schema of the object's kind and version (the schemas
`kubernetes-validate` ships, offline, compiled by jsonschema-rs), and the fields the runbooks need
(`required_fields`, cheap enough for every object a live scan reads). Kinds without a shipped schema (CRDs such as
SecretProviderClass, metrics.k8s.io) get only the required-fields check.
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1.30"  # the oldest AKS-supported minor the schemas are checked against

# What the runbooks read and cannot do without, per kind: a dotted path and the type it must have.
_NEEDS: dict[str, tuple[tuple[str, type], ...]] = {
    "Pod": (("metadata.name", str), ("spec.containers", list), ("status", dict)),
    "Deployment": (("metadata.name", str), ("spec.template.spec.containers", list)),
    "StatefulSet": (("metadata.name", str), ("spec.template.spec.containers", list)),
    "DaemonSet": (("metadata.name", str), ("spec.template.spec.containers", list)),
    "Node": (("metadata.name", str), ("status", dict)),
    "Event": (("metadata.name", str),),
    "Secret": (("metadata.name", str),),
}
_DEFAULT_NEEDS: tuple[tuple[str, type], ...] = (("metadata.name", str),)
_TYPE_WORD = {str: "a string", list: "a list", dict: "an object"}


def required_fields(obj: dict[str, Any]) -> str | None:
    """What the runbooks need that this object lacks ("spec.containers is missing"), or None."""
    kind = str(obj.get("kind") or "")
    for path, typ in _NEEDS.get(kind, _DEFAULT_NEEDS):
        value: Any = obj
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                break
        if value is None:
            return f"{path} is missing"
        if not isinstance(value, typ) or (typ is list and kind != "Event" and not value):
            return f"{path} must be {_TYPE_WORD[typ]}" + (" with at least one entry" if typ is list else "")
    if kind == "Event" and not isinstance(obj.get("involvedObject") or obj.get("regarding"), dict):
        return "involvedObject (or regarding) is missing"
    return None


def schema_error(obj: dict[str, Any]) -> tuple[list[Any], str] | None:
    """The first OpenAPI schema violation as (path into the object, message), or None (also when no schema)."""
    validator = _validator(str(obj.get("kind") or ""), str(obj.get("apiVersion") or ""))
    if validator is None:
        return None
    # "required" is left to required_fields: hand-assembled bundles (bundle-format.md) omit fields kubectl
    # would print (nodeInfo.machineID, a ReplicaSet's selector); a wrong type or value is always an error.
    # The shallowest violation is reported (the one nearest the object's top: jsonschema's best_match rule).
    errors = [e for e in validator.iter_errors(obj) if type(e.kind).__name__ != "Required"]
    if not errors:
        return None
    error = min(errors, key=lambda e: len(e.instance_path))
    path = list(error.instance_path)
    where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
    return path, f"{where or 'the object'}: {_clip(str(error.message))}"


def check(obj: dict[str, Any]) -> tuple[list[Any], str] | None:
    """Schema first, then what the runbooks need: (path, message) of the first problem, or None."""
    found = schema_error(obj)
    if found is not None:
        return found
    missing = required_fields(obj)
    if missing is not None:
        path = missing.split(" ", 1)[0].split(".")
        return path, missing
    return None


_LOCK = threading.Lock()
_DEFINITIONS_URI = "/api/_definitions.json"  # how the kind schemas of kubernetes-validate $ref the definitions


@functools.cache
def _validator(kind: str, api_version: str) -> Any:
    """A compiled validator for this kind and version, or None (a CRD or a kind the schemas do not cover).

    The schemas are kubernetes-validate's files, read as data (its Python module, which imports jsonschema,
    is not imported); jsonschema-rs compiles them (a third of the start-up cost of jsonschema: issue 17)."""
    import re

    folder = _schema_folder()
    if folder is None:  # pragma: no cover - a declared dependency; without it only the field check runs
        return None
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    path = folder / f"{kind.lower()}-{group_version}.json"
    if not kind or "/" in kind or not path.is_file():
        return None
    import jsonschema_rs

    with _LOCK:
        schema = _read_json(path)
        return jsonschema_rs.Draft202012Validator(schema, registry=_registry_for(path, schema))


def _registry_for(path: Path, schema: Any) -> Any:
    """A registry of the definitions this kind's schema reaches (the closure of its $refs: a Pod's 119 of the 626,
    190 KB of the 1.2 MB file), kept in the user cache; all of them when a $ref is not a plain definition's.

    Parsing every definition and registering them was ~20 ms of each bundle diagnosis (issue 17); the closure
    resolves every $ref of the kind the same way (tests/test_validate_closure.py compares the two)."""
    import jsonschema_rs
    import orjson

    from ..usercache import forget_cached, read_cached, store_cached

    stats = [f.stat() for f in (path.parent / "_definitions.json", path)]
    stamp = "-".join(f"{st.st_size}-{st.st_mtime_ns}" for st in stats)
    name = f"schema.{SCHEMA_VERSION}.{path.stem}.{stamp}.json"
    cached = read_cached(name)
    doc = None
    if cached is not None:
        try:
            doc = orjson.loads(cached)
        except orjson.JSONDecodeError:
            doc = None  # a cut file: computed again
    if not isinstance(doc, dict):
        doc = closure(schema, _full_definitions())
        if doc is None:
            return _definitions()
        store_cached(name, orjson.dumps(doc))
        forget_cached(f"schema.{SCHEMA_VERSION}.{path.stem}.", keep=name)  # the closure of an older schema file
    return jsonschema_rs.Registry([(_DEFINITIONS_URI, doc)])


_LOCAL_REF = "#/$defs/"


def closure(schema: Any, full: dict[str, Any]) -> dict[str, Any] | None:
    """The definitions document holding only what `schema` reaches through $refs, or None when a $ref is not
    `[/api/_definitions.json]#/$defs/NAME` of a known NAME (then only the whole document answers for it)."""
    defs = full.get("$defs")
    if not isinstance(defs, dict):
        return None
    keep: dict[str, Any] = {}
    todo = [schema]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                ref = value.removeprefix(_DEFINITIONS_URI)
                name = ref[len(_LOCAL_REF) :] if ref.startswith(_LOCAL_REF) else None
                if name is None or "/" in name or "~" in name or name not in defs:
                    return None
                if name not in keep:
                    keep[name] = defs[name]
                    todo.append(defs[name])
            else:
                todo.append(value)
    return {**{k: v for k, v in full.items() if k != "$defs"}, "$defs": keep}


@functools.lru_cache(maxsize=1)
def _full_definitions() -> dict[str, Any]:
    folder = _schema_folder()
    assert folder is not None
    return _read_json(folder / "_definitions.json")


@functools.lru_cache(maxsize=1)
def _definitions() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Registry([(_DEFINITIONS_URI, _full_definitions())])


@functools.lru_cache(maxsize=1)
def _schema_folder() -> Path | None:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / f"kubernetes-json-schema/v{SCHEMA_VERSION}.0-local"


def _read_json(path: Path) -> Any:
    import orjson

    return orjson.loads(path.read_bytes())


def _clip(text: str, n: int = 120) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


__all__ = ["SCHEMA_VERSION", "check", "required_fields", "schema_error"]
