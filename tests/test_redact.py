"""--redact: no name, id, IP or registry host of the cluster survives; placeholders are stable."""

from __future__ import annotations

import json

import pytest

from conftest import example

SENSITIVE = [
    "shop",
    "web-7d9f8-x2x",
    "contososhop",
    "contososhop.azurecr.io",
    "rg-shop-prod",
    "aks-prod",
    "rg-shared-registry",
    "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42",
    "7d2e4c1a-5b3f-4e8d-9a6c-1f0b2e3d4c5a",
]


@pytest.mark.parametrize("output", ["json", "markdown", "text"])
def test_redacted_report_hides_every_name(cli, output):
    bundle = example("imagepull-acr-pull-permission-missing")
    result = cli("imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", str(bundle), "--redact", "-o", output)
    assert result.exit_code == 1
    for value in [*SENSITIVE, str(bundle)]:
        assert value not in result.stdout, value
    assert "acr-pull-permission-missing" in result.stdout  # the verdict survives
    assert "--attach-acr <registry-1>" in result.stdout


def test_placeholders_are_stable_across_runs_and_consistent_inside_a_report(cli):
    args = (
        "imagepull",
        "web-7d9f8-x2x",
        "-n",
        "shop",
        "--bundle",
        str(example("imagepull-acr-pull-permission-missing")),
        "--redact",
        "-o",
        "json",
    )
    one, two = json.loads(cli(*args).stdout), json.loads(cli(*args).stdout)
    assert one["causes"] == two["causes"]
    assert one["target"] == {"kind": "Pod", "namespace": "<namespace-1>", "name": "<pod-1>"}
    fix = one["causes"][0]["fix"][0]["command"]
    assert (
        fix
        == "az aks update -g <resource-group-1> -n <cluster-1> --subscription <subscription-1> --attach-acr <registry-1>"
    )
    assert one["source"]["cluster"].endswith(
        "/resourceGroups/<resource-group-1>/providers/Microsoft.ContainerService/managedClusters/<cluster-1>"
    )


def test_redactor_hides_ips_and_leaves_platform_addresses():
    from aksdoctor.render.redact import Redactor

    r = Redactor()
    text = "dial tcp 10.1.2.3:443: i/o timeout; lookup x on 168.63.129.16:53; node aks-nodepool1-31718369-vmss000000"
    r.scan(text)
    assert r.text(text) == "dial tcp <ip-1>:443: i/o timeout; lookup x on 168.63.129.16:53; node <node-1>"
