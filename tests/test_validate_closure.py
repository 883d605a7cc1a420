"""The OpenAPI check compiles each kind's schema with only the definitions it reaches (their closure, kept in the user
cache): it must judge every object as the schema with all 626 definitions does. Compared on every object of the
examples and real-world cases, and on each of them broken in the ways a cut or hand-edited file is."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema_rs
import orjson
import pytest
import yaml

from aksdoctor.sources import validate
from conftest import EXAMPLES
from corpus import REALWORLD


def _objects() -> list[dict]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out = []
    for folder in sorted(EXAMPLES.iterdir()) + sorted(REALWORLD.iterdir()):
        for path in sorted(folder.rglob("*.yaml")) if folder.is_dir() else []:
            if path.relative_to(folder).parts[0] in ("azure", "logs"):
                continue
            for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=loader):
                items = doc.get("items") if isinstance(doc, dict) and isinstance(doc.get("items"), list) else [doc]
                out += [
                    o for o in items if isinstance(o, dict) and isinstance(o.get("kind"), str) and o.get("apiVersion")
                ]
    return out


def _broken(obj: dict) -> list[dict]:
    """The object with a wrong type at the top, in metadata, and deep in spec and status."""
    out = []
    for path, value in (
        (("metadata", "labels"), ["not", "a", "map"]),
        (("spec",), "cut here"),
        (("status", "conditions"), {"type": "Ready"}),
        (("spec", "template", "spec", "containers"), [{"name": 5}]),
        (("spec", "containers"), [{"name": "app", "image": 7, "ports": [{"containerPort": "80"}]}]),
        (("spec", "taints"), [{"key": "k", "effect": 3}]),
    ):
        parent = obj
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent:
            broken = copy.deepcopy(obj)
            target = broken
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
            out.append(broken)
    return out


def _errors(validator, obj) -> list[tuple[list, str]]:
    return sorted((list(map(str, e.instance_path)), e.message) for e in validator.iter_errors(obj))


def test_the_closure_judges_every_object_as_all_definitions_do(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    validate._validator.cache_clear()
    folder = validate._schema_folder()
    whole = jsonschema_rs.Registry([(validate._DEFINITIONS_URI, validate._full_definitions())])
    compared = broken_seen = 0
    kinds: dict[tuple[str, str], tuple] = {}
    for obj in _objects():
        key = (obj["kind"], obj["apiVersion"])
        if key not in kinds:
            closed = validate._validator(*key)
            if closed is None:
                kinds[key] = (None, None)
                continue
            schema = orjson.loads(_kind_file(folder, *key).read_bytes())
            kinds[key] = (closed, jsonschema_rs.Draft202012Validator(schema, registry=whole))
        closed, full = kinds[key]
        if closed is None:
            continue
        for candidate in [obj, *_broken(obj)]:
            want = _errors(full, candidate)
            assert _errors(closed, candidate) == want, (key, want)
            compared += 1
            broken_seen += bool(want)
    assert {k for k, (c, _) in kinds.items() if c} >= {("Pod", "v1"), ("Node", "v1"), ("Deployment", "apps/v1")}
    assert compared > 500 and broken_seen > 200  # the broken copies were judged broken, by both
    cached = " ".join(p.name for p in (tmp_path / "aksdoctor").glob("schema.*.json"))
    assert ".pod-v1." in cached and ".node-v1." in cached


def _kind_file(folder: Path, kind: str, api_version: str) -> Path:
    import re

    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return folder / f"{kind.lower()}-{group_version}.json"


def test_a_cached_closure_is_read_back_and_a_cut_one_computed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    validate._validator.cache_clear()
    assert validate._validator("Pod", "v1") is not None
    (entry,) = (tmp_path / "aksdoctor").glob("schema.*.pod-v1.*.json")
    doc = orjson.loads(entry.read_bytes())
    assert "io.k8s.api.core.v1.PodSpec" in doc["$defs"] and len(doc["$defs"]) < 200  # of the 626
    validate._validator.cache_clear()
    monkeypatch.setattr(validate, "_full_definitions", lambda: pytest.fail("the cached closure was not used"))
    assert validate._validator("Pod", "v1") is not None
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    entry.write_bytes(entry.read_bytes()[:100])
    stale = entry.with_name(f"schema.{validate.SCHEMA_VERSION}.pod-v1.1-2-3-4.json")  # of an older schema file
    stale.write_bytes(b"{}")
    validate._validator.cache_clear()
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": ["x"]}, "spec": {"containers": []}}
    assert validate.schema_error(pod) is not None  # still judged, from the definitions read afresh
    assert orjson.loads(entry.read_bytes())["$defs"]  # and the cut entry written whole again
    assert not stale.exists()  # the closure of another version of the schema files is not kept


def test_a_reference_outside_the_definitions_falls_back_to_all_of_them():
    full = {"$id": "x", "$defs": {"A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}}, "B": {}}}
    assert validate.closure({"$ref": "/api/_definitions.json#/$defs/A"}, full)["$defs"].keys() == {"A", "B"}
    assert validate.closure({"$ref": "#/properties/a"}, full) is None
    assert validate.closure({"$ref": "/api/_definitions.json#/$defs/Missing"}, full) is None
    # a property named "$ref" (JSONSchemaProps has one) is a schema, not a reference
    assert validate.closure({"properties": {"$ref": {"type": "string"}}}, full)["$defs"] == {}
