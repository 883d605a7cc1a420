"""Every service example bundle gives the verdict its expected.json names, with the real names in the fix; the
tree stops at the first broken hop; without Azure a LoadBalancer Service is inconclusive, never healthy."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from conftest import EXAMPLES, example
from contract import catalog
from live import azure_mock, served

CASES = sorted(p.name for p in EXAMPLES.iterdir() if p.name.startswith("service-"))


def run(cli, case: str, *args: str, bundle=None) -> tuple[int, dict]:
    result = cli("service", "checkout", "-n", "shop", "--bundle", str(bundle or example(case)), "-o", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def fixes(report: dict) -> list[str]:
    return [f["command"] for c in report["causes"] for f in c["fix"]]


@pytest.mark.parametrize("case", CASES)
def test_service_example_verdict(case, cli, validate_report):
    expected = json.loads((EXAMPLES / case / "expected.json").read_text())
    code, report = run(cli, case)
    validate_report(report)
    want = expected["expected"]
    cause = report["causes"][0]["id"] if report["causes"] else None
    assert report["status"] == want["status"], report["skipped"]
    assert cause == want["cause"] or cause in want["acceptable"]
    assert code == {"healthy": 0, "problem": 1, "inconclusive": 3}[want["status"]]
    text = " || ".join(fixes(report))
    for name in expected["fix_must_name"]:
        assert name in text, f"{name!r} not in {text}"


def test_every_catalog_cause_has_an_example():
    causes = catalog()["service"] - {"healthy"}
    examples = {json.loads((EXAMPLES / c / "expected.json").read_text())["expected"]["cause"] for c in CASES}
    assert causes <= examples, causes - examples


def test_dns_is_checked_before_the_service(cli):
    _code, report = run(cli, "service-coredns-unavailable")
    assert report["trace"][0]["probe"] == "service.cluster_dns"
    assert report["causes"][0]["id"] == "coredns-unavailable"
    facts = " ".join(e["fact"] for e in report["causes"][0]["evidence"])
    assert "CrashLoopBackOff" in facts and "dial tcp 10.0.0.1:443: i/o timeout" in facts  # the log tail


def test_coredns_custom_names_the_key_and_the_parse_error(cli):
    _code, report = run(cli, "service-coredns-custom-config-invalid")
    cause = report["causes"][0]
    assert "ipa1.server" in cause["title"]
    assert "unknown property 'upstream'" in cause["summary"]


def test_selector_mismatch_shows_the_closest_pods_and_the_differing_label(cli):
    _code, report = run(cli, "service-service-selector-matches-no-pods")
    cause = report["causes"][0]
    assert "checkout-7d9f8c6b5-x2x4q" in cause["summary"] and "app=checkout (not name=checkout)" in cause["summary"]
    patch = next(f for f in fixes(report) if f.startswith("kubectl patch service"))
    assert """'{"spec":{"selector":{"name":null,"app":"checkout"}}}'""" in patch  # the old key removed, merge-safe


def test_not_ready_endpoints_nest_the_pods_own_cause(cli):
    _code, report = run(cli, "service-endpoints-not-ready")
    cause = report["causes"][0]
    assert cause["id"] == "endpoints-not-ready"
    assert [n["id"] for n in cause["nested"]] == ["readiness-probe-failing"]
    assert "rollout.new_pods" in [s["probe"] for s in report["trace"]]


def test_unrelated_pods_name_both_workloads_and_the_share(cli):
    _code, report = run(cli, "service-service-selector-matches-unrelated-pods")
    cause = report["causes"][0]
    assert "deployment/checkout-operator" in cause["title"]
    assert "1 of 3 ready endpoint(s)" in cause["summary"]
    assert any(f.startswith("kubectl patch deployment/checkout -n shop") for f in fixes(report))


def test_a_loadbalancer_without_azure_is_inconclusive_never_healthy(cli):
    code, report = run(cli, "service-healthy-loadbalancer")
    assert (code, report["status"]) == (0, "healthy")
    code, report = run(cli, "service-healthy-loadbalancer", "--no-azure")
    assert (code, report["status"]) == (3, "inconclusive")
    assert any(s["probe"] == "service.lb_health_probe" and "Azure" in s["reason"] for s in report["skipped"])


def test_a_clusterip_service_needs_no_azure(cli):
    code, report = run(cli, "service-healthy")
    assert (code, report["status"]) == (0, "healthy")
    assert report["trace"][-1]["probe"] == "service.lb_health_probe"


def test_permission_denied_is_confirmed_against_the_role_assignments(cli):
    _code, report = run(cli, "service-lb-pending-permission-denied")
    cause = report["causes"][0]
    assert cause["confidence"] == "high"
    assert "No role assignment of 9c1f4e2a-6b3d-4f8e-a7c5-2d0b8e6f4a13" in cause["summary"]
    _code, report = run(cli, "service-lb-pending-permission-denied", "--no-azure")
    assert report["causes"][0]["id"] == "lb-pending-permission-denied"
    assert report["causes"][0]["confidence"] == "medium"  # the event alone


def test_a_role_granted_since_the_event_is_not_blamed(cli, tmp_path):
    bundle = tmp_path / "granted"
    shutil.copytree(example("service-lb-pending-permission-denied"), bundle)
    arm = bundle / "azure" / "arm.jsonl"
    lines = [json.loads(line) for line in arm.read_text().splitlines()]
    for rec in lines:
        if "roleAssignments" in rec["url"]:
            scope = "/subscriptions/3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42/resourceGroups/rg-shop-network"
            rec["body"]["value"] = [
                {
                    "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/1",
                    "name": "1",
                    "properties": {
                        "roleDefinitionId": "/subscriptions/3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42/providers/"
                        "Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
                        "principalId": "9c1f4e2a-6b3d-4f8e-a7c5-2d0b8e6f4a13",
                        "scope": scope,
                    },
                }
            ]
    arm.write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    code, report = run(cli, "", bundle=bundle)
    assert (code, report["status"]) == (3, "inconclusive")
    assert any("predates the grant" in n for n in report["notes"])


def test_network_policy_is_judged_for_the_named_caller(cli):
    case = "service-network-policy-denies-ingress"
    _code, report = run(cli, case, "--from", "ingress-nginx/ingress-nginx-controller-5c8d66c76d-fb79x")
    cause = report["causes"][0]
    assert cause["id"] == "network-policy-denies-ingress"
    assert "pod ingress-nginx/ingress-nginx-controller-5c8d66c76d-fb79x" in cause["title"]
    assert "only pods of the policy's own namespace" in cause["summary"]


def test_network_policy_admits_a_caller_it_selects(cli, tmp_path):
    bundle = tmp_path / "frontend"
    shutil.copytree(example("service-network-policy-denies-ingress"), bundle)
    pods = yaml.safe_load((bundle / "kubernetes" / "pods.yaml").read_text())
    frontend = json.loads(json.dumps(pods["items"][0]))
    frontend["metadata"].update(
        name="frontend-6f7c9-zz8kq", labels={"app": "frontend"}, uid="f0000000-0000-4000-8000-000000000001"
    )
    pods["items"].append(frontend)
    (bundle / "kubernetes" / "pods.yaml").write_text(yaml.safe_dump(pods))
    _code, report = run(cli, "", "--from", "shop/frontend-6f7c9-zz8kq", bundle=bundle)
    assert "network-policy-denies-ingress" not in [c["id"] for c in report["causes"]]
    assert ("service.network_policy", "allows") in [(s["probe"], s["outcome"]) for s in report["trace"]]


def test_policies_are_not_judged_when_the_cluster_does_not_enforce_them(cli, tmp_path):
    bundle = tmp_path / "no-npm"
    shutil.copytree(example("service-network-policy-denies-ingress"), bundle)
    shutil.rmtree(bundle / "azure")
    code, report = run(cli, "", bundle=bundle)
    assert ("service.network_policy", "not-enforced") in [(s["probe"], s["outcome"]) for s in report["trace"]]
    assert (code, report["status"]) == (0, "healthy")


def test_an_unknown_service_suggests_names(cli):
    result = cli("service", "chekout", "-n", "shop", "--bundle", str(example("service-healthy")))
    assert result.exit_code == 2 and "checkout" in result.stderr


def test_a_bad_caller_is_a_usage_error(cli):
    result = cli("service", "checkout", "-n", "shop", "--from", "a/b/c", "--bundle", str(example("service-healthy")))
    assert result.exit_code == 2 and "--from" in result.stderr


def test_diagnose_routes_a_service_to_the_service_runbook(cli):
    result = cli(
        "diagnose",
        "svc/checkout",
        "-n",
        "shop",
        "--bundle",
        str(example("service-target-port-not-exposed")),
        "-o",
        "json",
    )
    report = json.loads(result.stdout)
    assert report["routed"]["runbook"] == "service" and report["causes"][0]["id"] == "target-port-not-exposed"


def test_scan_includes_services_without_ready_endpoints_and_pending_load_balancers(cli):
    for case, reason in (
        ("service-service-selector-matches-no-pods", "no ready endpoint"),
        ("service-lb-pending-public-ip-quota", "no address"),
    ):
        report = json.loads(cli("scan", "-n", "shop", "--bundle", str(example(case)), "-o", "json").stdout)
        found = [f for f in report["findings"] if f["routed"]["runbook"] == "service"]
        assert found and reason in found[0]["routed"]["reason"], report["findings"]
    healthy = json.loads(cli("scan", "-n", "shop", "--bundle", str(example("service-healthy")), "-o", "json").stdout)
    assert not [f for f in healthy["findings"] if f["routed"]["runbook"] == "service"]


def test_live_reads_are_few_and_selected(cli, tmp_path, monkeypatch):
    bundle = example("service-network-policy-denies-ingress")
    with served(bundle, tmp_path) as (server, kubeconfig), azure_mock(bundle, monkeypatch):
        result = cli(
            "service", "checkout", "-n", "shop", "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json"
        )
    assert json.loads(result.stdout)["causes"][0]["id"] == "network-policy-denies-ingress"
    slices = [r.query.get("labelSelector") for r in server.requests if r.path.endswith("/endpointslices")]
    assert sorted(slices) == ["kubernetes.io/service-name=checkout", "kubernetes.io/service-name=kube-dns"]
    pods = [r.path for r in server.requests if r.path.endswith("/pods")]
    assert sorted(set(pods)) == sorted(pods), "each pod list once"
    assert {r.method for r in server.requests} == {"GET"}


REALWORLD = sorted(
    p for p in (EXAMPLES.parent.parent / "tests" / "realworld").glob("service-*") if (p / "COMMAND").is_file()
)


@pytest.mark.parametrize("case", REALWORLD, ids=lambda p: p.name)
def test_service_real_world_case(case, cli, validate_report):
    expected = json.loads((case / "expected.json").read_text())
    args = (case / "COMMAND").read_text().split()[1:]
    result = cli(*args, "--bundle", str(case), "-o", "json")
    report = json.loads(result.stdout)
    validate_report(report)
    cause = report["causes"][0]["id"] if report["causes"] else None
    want = expected["expected"]
    assert report["status"] == want["status"] and (cause == want["cause"] or cause in want["acceptable"])
    text = " || ".join(fixes(report))
    for name in expected["fix_must_name"]:
        assert name in text, f"{name!r} not in {text}"
    assert expected["source"]["url"].startswith("https://")


def test_the_service_command_is_generated_from_its_runbook(cli):
    import yaml as _yaml

    from aksdoctor.cli.main import app

    spec = _yaml.safe_load((EXAMPLES.parent.parent / "runbooks" / "service.yaml").read_text())["command"]
    names = [c.name for c in app.registered_commands]
    assert names.count("service") == 1
    text = cli("service", "--help", env={"COLUMNS": "200"}).stdout
    assert spec["options"][0]["flag"] in text and "--no-azure" in text
    assert not (EXAMPLES.parent.parent / "src" / "aksdoctor" / "cli" / "service.py").exists()


def test_a_declared_option_reaches_the_probes_and_a_bad_one_is_refused(monkeypatch):
    import typer
    from typer.testing import CliRunner

    from aksdoctor.cli import common, generated

    seen = {}
    monkeypatch.setattr(
        common,
        "diagnose",
        lambda rid, kind, name, flags, extra=None: seen.update(rid=rid, kind=kind, name=name, extra=extra),
    )
    spec = {"summary": "demo", "options": [{"flag": "--peer", "extra": "peer", "pattern": "[a-z]+", "example": "abc"}]}
    app = typer.Typer()
    app.command("demo")(generated.build("demo", "Service", spec))
    app.command("other")(lambda: None)
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "web", "--peer", "abc"]).exit_code == 0
    assert seen == {"rid": "demo", "kind": "Service", "name": "web", "extra": {"peer": "abc"}}
    bad = runner.invoke(app, ["demo", "web", "--peer", "ABC!"])
    assert bad.exit_code == 2 and "--peer" in bad.stderr


def test_a_runbook_command_with_unknown_keys_is_rejected(tmp_path):
    from aksdoctor.errors import RunbookError
    from aksdoctor.probes import PROBES
    from aksdoctor.runbook import load_runbook

    text = (EXAMPLES.parent.parent / "runbooks" / "service.yaml").read_text()
    (tmp_path / "service.yaml").write_text(
        text.replace("      extra: from\n", "      extra: from\n      flags: --typo\n")
    )
    with pytest.raises(RunbookError, match="command.options"):
        load_runbook(tmp_path / "service.yaml", PROBES)
