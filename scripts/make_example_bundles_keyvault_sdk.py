"""Write examples/bundles/keyvault-sdk-* (issue 13: a pod that calls Key Vault from its code with workload
identity, diagnosed with no --vault) and the keyvault real-world cases tests/realworld/keyvault-*/.

Each case starts from the healthy world of make_example_bundles_keyvault.py in code mode (no CSI mount: the
webhook-injected AZURE_* variables and token volume, the app's own env naming the vault) and changes what
the case is about. Real-world cases take their names, messages and shape from the public report they cite
(source.url in expected.json); the log lines are the reports' texts. Run from the repository root:

    python scripts/make_example_bundles_keyvault_sdk.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import yaml

_SPEC = importlib.util.spec_from_file_location("kvbase", Path(__file__).with_name("make_example_bundles_keyvault.py"))
assert _SPEC and _SPEC.loader
kv = importlib.util.module_from_spec(_SPEC)
sys.modules["kvbase"] = kv
_SPEC.loader.exec_module(kv)

DEFAULTS = {k: getattr(kv, k) for k in ("NS", "POD", "RS", "SA", "VAULT", "VAULT_RG", "IDENTITY", "CLIENT_ID", "SUB")}
API_SUBS = "2022-12-01"
OTHER_SUB = "9c4e2a7b-1d3f-4b5a-8e6c-0f2a4b6c8d1e"
TOKEN_FILE = "/var/run/secrets/azure/tokens/azure-identity-token"


def names(**overrides: str) -> None:
    """Set the base generator's names (and the ids built from them) for one case."""
    for key, value in (DEFAULTS | overrides).items():
        setattr(kv, key, value)
    kv.VAULT_ID = (
        f"/subscriptions/{kv.VAULT_SUB}/resourceGroups/{kv.VAULT_RG}/providers/Microsoft.KeyVault/vaults/{kv.VAULT}"
    )
    kv.VAULT_URL = f"https://{kv.VAULT}.vault.azure.net/"
    kv.IDENTITY_ID = (
        f"/subscriptions/{kv.SUB}/resourceGroups/{kv.ID_RG}/providers/Microsoft.ManagedIdentity/"
        f"userAssignedIdentities/{kv.IDENTITY}"
    )


def sdk_world(shapes: Path, case: dict[str, Any]) -> dict[str, Any]:
    world = kv.healthy(shapes)
    world |= {
        "command": case.get("command") or f"aksdoctor keyvault {kv.POD} -n {kv.NS}",
        "mode": "code",
        "pod_labels": {"azure.workload.identity/use": "true"},
        "pod_env": kv.webhook_env(kv.CLIENT_ID),
        "fics": [kv.fic(f"aks-{kv.NS}-{kv.SA}", kv.ISSUER, f"system:serviceaccount:{kv.NS}:{kv.SA}")],
    }
    world |= case.get("world", {})
    for edit in case.get("edits", []):
        edit(world)
    return world


def write_case(folder: Path, shapes: Path, case: dict[str, Any]) -> None:  # noqa: PLR0912, PLR0915 - one step per knob
    kv.VAULT_SUB = case.get("vault_sub", case.get("names", {}).get("SUB", DEFAULTS["SUB"]))
    names(**case.get("names", {}))
    world = sdk_world(shapes, case)
    kv.write(folder, world)
    kube = folder / "kubernetes"
    pod = yaml.safe_load((kube / "pod.yaml").read_text())
    container = pod["spec"]["containers"][0]
    container["env"] = (container.get("env") or []) + case.get("app_env", [])
    if case.get("env_from"):
        container["envFrom"] = [{"configMapRef": {"name": case["env_from"]}}]
    if case.get("service_account"):
        pod["spec"]["serviceAccountName"] = pod["spec"]["serviceAccount"] = case["service_account"]
    if not case.get("injected", True):
        container["env"] = [e for e in container["env"] if not e["name"].startswith("AZURE_")]
        pod["spec"]["volumes"] = [v for v in pod["spec"]["volumes"] if v["name"] != "azure-identity-token"]
        container["volumeMounts"] = [m for m in container["volumeMounts"] if m["name"] != "azure-identity-token"]
    for key, value in case.get("pod_labels", {}).items():
        pod["metadata"]["labels"][key] = value
    for key in case.get("drop_labels", []):
        pod["metadata"]["labels"].pop(key, None)
    if case.get("crash"):
        status = pod["status"]["containerStatuses"][0]
        status |= {
            "ready": False,
            "started": False,
            "restartCount": 7,
            "state": {
                "waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}
            },
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": kv.NOW}},
        }
        pod["status"]["conditions"].append({"type": "Ready", "status": "False", "lastTransitionTime": kv.NOW})
    for mutate in case.get("pod_edits", []):
        mutate(pod)
    kv.dump(kube / "pod.yaml", pod)
    sas = yaml.safe_load((kube / "serviceaccounts.yaml").read_text())
    for name, sa_annotations in case.get("extra_sas", []):
        sa = kv.serviceaccount_object(sa_annotations)
        sa["metadata"]["name"] = name
        sa["metadata"]["uid"] = f"8a0c2e4f-6b7d-4e9f-a1b3-{abs(hash(name)) % 10**12:012d}"
        sas["items"].append(sa)
    if case.get("service_account") and case["service_account"] not in {x["metadata"]["name"] for x in sas["items"]}:
        plain = kv.serviceaccount_object({})
        plain["metadata"] |= {"name": case["service_account"], "uid": "0b2d4f6a-8c1e-4a3b-9d5f-7e9a1c3b5d7f"}
        sas["items"].append(plain)  # every namespace has its `default` ServiceAccount
    for mutate in case.get("sa_edits", []):
        mutate(sas["items"][0])
    kv.dump(kube / "serviceaccounts.yaml", sas)
    if "configmaps" in case:
        items = [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": n, "namespace": kv.NS}, "data": d}
            for n, d in case["configmaps"]
        ]
        kv.dump(kube / "configmaps.yaml", kv.as_list(items))
    if "services" in case:
        items = [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": n, "namespace": kv.NS, "annotations": a},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
            }
            for n, a in case["services"]
        ]
        kv.dump(kube / "services.yaml", kv.as_list(items))
    if "stores" in case:
        kv.dump(kube / "clustersecretstores.yaml", kv.as_list(case["stores"]))
    for name, text in case.get("logs", {}).items():
        path = folder / "logs" / kv.NS / kv.POD / f"{name}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    recs = [json.loads(line) for line in (folder / "azure" / "arm.jsonl").read_text().splitlines()]
    subs = [kv.SUB] + ([kv.VAULT_SUB] if kv.VAULT_SUB != kv.SUB else [])
    recs.append(
        kv.rec(
            f"{kv.ARM}/subscriptions?api-version={API_SUBS}",
            200,
            {"value": [{"id": f"/subscriptions/{s}", "subscriptionId": s, "state": "Enabled"} for s in subs]},
        )
    )
    if kv.VAULT_SUB != kv.SUB:
        mine = f"{kv.ARM}/subscriptions/{kv.SUB}/providers/Microsoft.KeyVault/vaults?api-version={kv.API_KV}"
        for r in recs:
            if r["url"] == mine:
                r["body"] = {"value": []}
        recs.append(
            kv.rec(
                f"{kv.ARM}/subscriptions/{kv.VAULT_SUB}/providers/Microsoft.KeyVault/vaults?api-version={kv.API_KV}",
                200,
                {"value": [world["vault"]]},
            )
        )
    recs += case.get("extra_recs", [])
    (folder / "azure" / "arm.jsonl").write_text(
        "\n".join(json.dumps(r, separators=(",", ":")) for r in recs) + "\n", encoding="utf-8"
    )
    (folder / "expected.json").write_text(json.dumps(case["expected"], indent=2) + "\n", encoding="utf-8")


def example(status: str, cause: str | None, fix: list[str], acceptable: list[str] | None = None) -> dict[str, Any]:
    return {
        "runbook": "keyvault",
        "source": {"url": None, "title": "example", "kind": "example"},
        "verbatim": None,
        "expected": {"status": status, "cause": cause, "acceptable": acceptable or []},
        "fix_must_name": fix,
        "fidelity": {"verbatim": [], "reconstructed": ["everything (generated example)"]},
    }


def real(
    url: str,
    title: str,
    kind: str,
    verbatim: str,
    status: str,
    cause: str | None,
    fix: list[str],
    *,
    verbatim_parts: list[str],
    reconstructed: list[str],
    acceptable: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "runbook": "keyvault",
        "source": {"url": url, "title": title, "kind": kind},
        "verbatim": verbatim,
        "expected": {"status": status, "cause": cause, "acceptable": acceptable or []},
        "fix_must_name": fix,
        "fidelity": {"verbatim": verbatim_parts, "reconstructed": reconstructed},
    }


def app_log(*lines: str) -> str:
    return "\n".join(lines)


def aadsts70021(issuer: str, subject: str) -> str:
    return (
        'E1121 09:58:12.120764       1 main.go:60] "failed to get secret from keyvault" err=<\n'
        "        FromAssertion(): http call(https://login.microsoftonline.com/"
        + kv.TENANT
        + "/oauth2/v2.0/token)(POST) "
        'error: reply status code was 400: {"error":"invalid_request","error_description":"AADSTS70021: No matching '
        f"federated identity record found for presented assertion. Assertion Issuer: '{issuer}'. Assertion Subject: "
        f"'{subject}'. Assertion Audience: 'api://AzureADTokenExchange'. "
        "https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation\\r\\nTrace ID: "
        'b0f62116-10b6-4a73-bdb2-281524404e00\\r\\n","error_codes":[70021]}'
    )


def forbidden_by_rbac(vault: str, vault_id: str, secret: str, principal: str) -> str:
    return (
        f"Azure.RequestFailedException: Caller is not authorized to perform action on resource.\\r\\nIf role "
        "assignments, deny assignments or role definitions were changed recently, please observe propagation "
        f"time.\\r\\nCaller: appid={kv.CLIENT_ID};oid={principal};iss=https://sts.windows.net/{kv.TENANT}/\\r\\n"
        "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\\r\\n"
        f"Resource: '{vault_id.lower()}/secrets/{secret}'\\r\\nAssignment: (not found)\\r\\nDenyAssignmentId: "
        f"null\\r\\nDecisionReason: 'DeniedWithNoValidRBAC' \\r\\nVault: {vault};location=westeurope\\r\\n"
        "Status: 403 (Forbidden)\nErrorCode: Forbidden\n\nContent:\n"
        '{"error":{"code":"Forbidden","message":"Caller is not authorized to perform action on resource.",'
        '"innererror":{"code":"ForbiddenByRbac"}}}'
    )


def cases(shapes: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    vault_env = [{"name": "KEY_VAULT_URL", "value": "https://kv-shop-prod.vault.azure.net/"}]
    pod = DEFAULTS["POD"]

    # ---- examples ------------------------------------------------------------------------------------
    out["examples/bundles/keyvault-sdk-healthy"] = {
        "app_env": vault_env,
        "expected": example("healthy", None, []),
    }
    out["examples/bundles/keyvault-sdk-federated-credential-missing"] = {
        "app_env": vault_env,
        "crash": True,
        "world": {"fics": [kv.fic("payments-api", kv.ISSUER, "system:serviceaccount:payments:payments-api")]},
        "logs": {"web.previous": aadsts70021(kv.ISSUER, "system:serviceaccount:shop:web")},
        "expected": example(
            "problem",
            "federated-credential-missing",
            ["az identity federated-credential create", "system:serviceaccount:shop:web", "id-shop-web"],
        ),
    }
    out["examples/bundles/keyvault-sdk-rbac-role-missing"] = {
        "env_from": "web-config",
        "configmaps": [("web-config", {"KeyVault__Url": "https://kv-shop-prod.vault.azure.net/", "LOG_LEVEL": "info"})],
        "crash": True,
        "world": {
            "assignments": [
                (kv.ROLE_CONTRIBUTOR, f"/subscriptions/{kv.SUB}/resourceGroups/rg-shop-secrets", kv.PRINCIPAL)
            ]
        },
        "logs": {
            "web.previous": forbidden_by_rbac(
                "kv-shop-prod",
                f"/subscriptions/{kv.SUB}/resourceGroups/rg-shop-secrets/providers/Microsoft.KeyVault/vaults/kv-shop-prod",
                "db-password",
                kv.PRINCIPAL,
            )
        },
        "expected": example(
            "problem",
            "keyvault-rbac-role-missing",
            ["az role assignment create", kv.PRINCIPAL, "Key Vault Secrets User"],
        ),
    }
    out["examples/bundles/keyvault-sdk-webhook-disabled"] = {
        "app_env": vault_env,
        "injected": False,
        "crash": True,
        "edits": [
            lambda w: w["cluster"]["properties"]["securityProfile"].update({"workloadIdentity": {"enabled": False}})
        ],
        "logs": {
            "web.previous": 'E1121 09:58:12.022789       1 main.go:27] "failed to get secret from keyvault" err="autorest/'
            "Client#Do: Preparing request failed: StatusCode=0 -- Original Error: failed to read service account token: "
            'open : no such file or directory" keyvault="kv-shop-prod" secretName="db-password"'
        },
        "expected": example(
            "problem", "workload-identity-disabled", ["az aks update", "--enable-workload-identity", "aks-prod"]
        ),
    }
    out["examples/bundles/keyvault-sdk-vault-unnamed"] = {
        "expected": example("inconclusive", None, []),
    }
    out["examples/bundles/keyvault-sdk-vault-other-subscription"] = {
        "app_env": [{"name": "AZURE_KEYVAULT_URL", "value": "https://kv-shop-prod.vault.azure.net/"}],
        "vault_sub": OTHER_SUB,
        "world": {"assignments": []},
        "edits": [lambda w: w.update(assignments=[(kv.ROLE_KV_READER, kv.VAULT_ID, kv.PRINCIPAL)])],
        "expected": example(
            "problem", "keyvault-reader-role-insufficient", ["az role assignment create", OTHER_SUB, kv.PRINCIPAL]
        ),
    }
    out["examples/bundles/keyvault-sdk-wrong-service-account"] = {
        "app_env": vault_env,
        "service_account": "default",
        "world": {"sa_annotations": {}},
        "extra_sas": [("web-wi", {"azure.workload.identity/client-id": kv.CLIENT_ID})],
        "edits": [lambda w: w.update(fics=[kv.fic("aks-shop-web-wi", kv.ISSUER, "system:serviceaccount:shop:web-wi")])],
        "expected": example("problem", "serviceaccount-annotation-missing", ["serviceAccountName", "web-wi"]),
    }
    out["examples/bundles/keyvault-sdk-client-id-is-resource-id"] = {
        "app_env": vault_env,
        "edits": [
            lambda w: w.update(
                sa_annotations={"azure.workload.identity/client-id": kv.IDENTITY_ID},
                pod_env=kv.webhook_env(kv.IDENTITY_ID),
            )
        ],
        "expected": example("problem", "client-id-mismatch", ["kubectl annotate serviceaccount web", kv.CLIENT_ID]),
    }
    out["examples/bundles/keyvault-sdk-annotation-on-service"] = {
        "app_env": vault_env,
        "injected": False,
        "world": {"sa_annotations": {}},
        "services": [("web", {"azure.workload.identity/client-id": kv.CLIENT_ID})],
        "expected": example(
            "problem",
            "serviceaccount-annotation-missing",
            [f"kubectl annotate serviceaccount web -n shop azure.workload.identity/client-id={kv.CLIENT_ID}"],
        ),
    }
    out["examples/bundles/keyvault-sdk-misspelled-annotation"] = {
        "app_env": vault_env,
        "injected": False,
        "world": {"sa_annotations": {"azure.workload.identity/client_id": kv.CLIENT_ID}},
        "expected": example(
            "problem",
            "serviceaccount-annotation-missing",
            [f"azure.workload.identity/client-id={kv.CLIENT_ID}"],
        ),
    }
    del pod
    out.update(realworld(shapes))
    return out


def realworld(shapes: Path) -> dict[str, dict[str, Any]]:
    """Cases from public reports; names and messages are the reports' own."""
    out: dict[str, dict[str, Any]] = {}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    sys.path.insert(0, str(Path(__file__).parent))
    for dest, case in cases(shapes).items():
        write_case(Path(dest), shapes, case)
        print(f"wrote {dest}")


if __name__ == "__main__":
    main()
