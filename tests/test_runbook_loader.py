"""The runbook loader rejects broken runbooks with the file, node and reason; every shipped runbook is sound."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from aksdoctor.errors import RunbookError
from aksdoctor.probes import PROBES
from aksdoctor.runbook import load_all, parse_runbook, runbook_files, template_fields

GOOD = {
    "id": "demo",
    "title": "demo",
    "start": "a",
    "nodes": {
        "a": {"probe": "image.registry_is_acr", "on": {"yes": "b", "no": "cause/x"}},
        "b": {"probe": "acr.network_open", "on": {"yes": "healthy", "no": "inconclusive"}},
    },
    "causes": {"x": {"title": "t {image}", "summary": "s", "fix": ["echo {image}"], "docs": "https://example.org"}},
}


def parse(data):
    return parse_runbook(data, PROBES, source="demo.yaml", stem="demo")


def broken(path, value):
    data = copy.deepcopy(GOOD)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def test_good_runbook_parses():
    book = parse(GOOD)
    assert book.probe_ids == ("image.registry_is_acr", "acr.network_open")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("nodes", "a", "probe"), "no.such_probe", "node a: unknown probe 'no.such_probe'"),
        (("nodes", "a", "on"), {"yes": "b"}, "node a: no branch for answers ['no']"),
        (("nodes", "a", "on"), {"yes": "b", "no": "cause/x", "maybe": "b"}, "never answers ['maybe']"),
        (("nodes", "b", "on"), {"yes": "nowhere", "no": "healthy"}, "node b: answer 'yes' leads to 'nowhere'"),
        (("nodes", "b", "on"), {"yes": "cause/ghost", "no": "healthy"}, "undefined cause/ghost"),
        (("nodes", "b", "on"), {"yes": "a", "no": "healthy"}, "cycle: a -> b -> a"),
        (("causes", "x", "docs"), "http://insecure", "cause x: docs must be an https link"),
        (("causes", "x", "fix"), [], "cause x: fix must be a non-empty list"),
        (("start",), "zzz", "start 'zzz' is not a node"),
        (("id",), "other", "must equal the file name"),
    ],
)
def test_broken_runbooks_name_file_node_and_reason(path, value, message):
    with pytest.raises(RunbookError, match=re.escape(message)) as err:
        parse(broken(path, value))
    assert str(err.value).startswith("demo.yaml:")


def test_unreachable_node_and_unused_cause_are_rejected():
    data = copy.deepcopy(GOOD)
    data["nodes"]["orphan"] = {"probe": "acr.network_open", "on": {"yes": "healthy", "no": "healthy"}}
    with pytest.raises(RunbookError, match="not reachable from start: \\['orphan'\\]"):
        parse(data)
    data = copy.deepcopy(GOOD)
    data["causes"]["unused"] = GOOD["causes"]["x"]
    with pytest.raises(RunbookError, match="causes no branch leads to: \\['unused'\\]"):
        parse(data)


def test_on_yes_no_keys_are_strings_not_yaml_booleans(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(GOOD).replace("'yes'", "yes").replace("'no'", "no"))
    from aksdoctor.runbook import load_runbook

    assert load_runbook(path, PROBES).nodes["a"].on == {"yes": "b", "no": "cause/x"}


def test_shipped_runbooks_are_valid_and_ship_in_the_package():
    books = load_all(PROBES)
    assert set(books) == set(runbook_files()) and "imagepull" in books
    for book in books.values():
        for cause in book.causes.values():
            assert cause.fix and cause.docs.startswith("https://")
            for text in (cause.title, cause.summary, *(f.command for f in cause.fix)):
                template_fields(text)  # parses


def test_catalog_ids_of_the_shipped_runbooks_are_in_the_contract():
    from contract import catalog

    for book in load_all(PROBES).values():
        assert set(book.causes) <= catalog()[book.id] | {"healthy"}
        assert catalog()[book.id] - {"healthy"} <= set(book.causes), f"{book.id} misses catalog causes"
