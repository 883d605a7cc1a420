"""deploy/rbac.yaml is what the code reads, no more, no less — and every request of every example run
live is allowed by it (and is a GET)."""

from __future__ import annotations

import json
import shlex

import pytest
import yaml

from aksdoctor.sources.resources import RESOURCES
from conftest import EXAMPLES, ROOT
from live import azure_mock, served

ROLES = list(yaml.safe_load_all((ROOT / "deploy" / "rbac.yaml").read_text()))
CLUSTER_ROLE = next(r for r in ROLES if r["kind"] == "ClusterRole")
SECRETS_ROLE = next(r for r in ROLES if r["kind"] == "Role")
EXAMPLE_DIRS = sorted(p for p in EXAMPLES.iterdir() if (p / "COMMAND").is_file())


def _granted(role: dict) -> set[tuple[str, str, str]]:
    return {
        (group, res, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for res in rule["resources"]
        for verb in rule["verbs"]
    }


def _request_rbac(method: str, path: str, query: dict) -> tuple[str, str, str]:
    """(apiGroup, resource, verb) of a REST path, as the API server's authorizer sees it."""
    parts = [p for p in path.split("/") if p]
    if parts[0] == "api":
        group, rest = "", parts[2:]
    else:
        group, rest = parts[1], parts[3:]
    if rest[:1] == ["namespaces"] and len(rest) >= 3:
        rest = rest[2:]
    resource = rest[0] + (f"/{rest[2]}" if len(rest) == 3 else "")
    verb = "get" if len(rest) >= 2 else ("watch" if query.get("watch") else "list")
    return group, resource, verb


def test_the_role_grants_exactly_the_resources_the_code_reads():
    code = {(r.group, r.plural) for r in RESOURCES.values()} | {("", "pods/log")}
    role = {(g, res) for g, res, _ in _granted(CLUSTER_ROLE)} | {(g, res) for g, res, _ in _granted(SECRETS_ROLE)}
    assert role == code
    assert not any(verb not in ("get", "list") for _, _, verb in _granted(CLUSTER_ROLE) | _granted(SECRETS_ROLE))
    assert ("", "secrets") not in {(g, r) for g, r, _ in _granted(CLUSTER_ROLE)}


@pytest.mark.parametrize("bundle", EXAMPLE_DIRS, ids=lambda p: p.name)
def test_every_live_request_of_every_example_is_allowed(bundle, cli, tmp_path, monkeypatch):
    args = shlex.split((bundle / "COMMAND").read_text())[1:]
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        extra = [] if (bundle / "azure").is_dir() else ["--no-azure"]
        result = cli(*args, "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json", *extra)
        requests = list(server.requests)
    assert result.exit_code in (0, 1, 3), result.stderr
    json.loads(result.stdout)
    allowed = _granted(CLUSTER_ROLE) | _granted(SECRETS_ROLE)
    for req in requests:
        assert req.method == "GET"
        assert _request_rbac(req.method, req.path, req.query) in allowed, req.path
