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

DEFAULTS = {
    k: getattr(kv, k)
    for k in ("NS", "POD", "RS", "SA", "VAULT", "VAULT_RG", "IDENTITY", "CLIENT_ID", "PRINCIPAL", "SUB", "ISSUER")
}
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
    kv.NODE_RG = f"MC_{kv.RG}_{kv.CLUSTER}_{kv.LOCATION}"
    kv.IDENTITY_ID = (
        f"/subscriptions/{kv.SUB}/resourceGroups/{kv.ID_RG}/providers/Microsoft.ManagedIdentity/"
        f"userAssignedIdentities/{kv.IDENTITY}"
    )


def _subject() -> str:
    return f"system:serviceaccount:{kv.NS}:{kv.SA}"


kv.subject_of = _subject


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
    if case.get("access_policies"):  # a vault on the access-policy model, and the add-on identity listed
        world["vault"] = kv.vault_body(shapes, rbac=False)
        world["identities"] = [kv.identity_body(shapes), kv.addon_identity_body(shapes)]
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
    if case.get("bare_pod"):
        pod["metadata"].pop("ownerReferences", None)
        pod["metadata"]["labels"] = {k: v for k, v in pod["metadata"]["labels"].items() if k != "pod-template-hash"}
        (kube / "replicasets.yaml").unlink()
    elif case.get("deployment"):
        rss = yaml.safe_load((kube / "replicasets.yaml").read_text())
        rss["items"][0]["metadata"]["ownerReferences"][0]["name"] = case["deployment"]
        kv.dump(kube / "replicasets.yaml", rss)
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
    # a certificate read with only a secrets role: the error names certificates/read
    cert_error = (
        forbidden_by_rbac(
            "kv-shop-prod",
            f"/subscriptions/{kv.SUB}/resourceGroups/rg-shop-secrets/providers/Microsoft.KeyVault/vaults/kv-shop-prod",
            "db-password",
            kv.PRINCIPAL,
        )
        .replace("secrets/getSecret/action", "certificates/read")
        .replace("/secrets/db-password", "/certificates/shop-tls")
    )
    out["examples/bundles/keyvault-sdk-certificate-permission"] = {
        "app_env": vault_env + [{"name": "TLS_CERT_NAME", "value": "shop-tls"}],
        "crash": True,
        "logs": {"web.previous": cert_error},
        "expected": example(
            "problem",
            "keyvault-rbac-role-missing",
            ["az role assignment create", kv.PRINCIPAL, "Key Vault Certificate User"],
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
        "crash": True,
        "logs": {
            "web.previous": forbidden_by_rbac(
                "kv-shop-prod",
                f"/subscriptions/{OTHER_SUB}/resourceGroups/rg-shop-secrets/providers/Microsoft.KeyVault/vaults/kv-shop-prod",
                "db-password",
                kv.PRINCIPAL,
            )
        },
        "expected": example(
            "problem", "keyvault-reader-role-insufficient", ["az role assignment create", OTHER_SUB, kv.PRINCIPAL]
        ),
    }
    out["examples/bundles/keyvault-sdk-wrong-service-account"] = {
        "app_env": vault_env,
        "service_account": "default",
        "world": {"sa_annotations": {}},
        "extra_sas": [("web-wi", {"azure.workload.identity/client-id": kv.CLIENT_ID})],
        "edits": [
            lambda w: w.update(
                fics=[kv.fic("aks-shop-web-wi", kv.ISSUER, "system:serviceaccount:shop:web-wi")],
                pod_env=kv.webhook_env(None),
            )
        ],
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
        "crash": True,
        "logs": {
            "web.previous": "azure.core.exceptions.ClientAuthenticationError: WorkloadIdentityCredential: Microsoft Entra "
            "ID error '(unauthorized_client) AADSTS700016: Application with identifier '"
            + kv.IDENTITY_ID
            + "' was not "
            "found in the directory 'Contoso'.'"
        },
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
    rw = "tests/realworld/keyvault-"
    quick = {"NS": "default", "POD": "quick-start", "SA": "workload-identity-sa"}

    # Azure/azure-workload-identity#340: the quick start's AADSTS70021; the troubleshooting guide's first
    # answer for it is the issuer without its trailing slash in the federated credential.
    issuer = "https://oidc.prod-aks.azure.com/2a4c6e8f-1b3d-4f5a-8c7e-9d0f1a2b3c4d/"
    out[rw + "awi340-aadsts70021-issuer-slash"] = {
        "names": quick | {"ISSUER": issuer},
        "bare_pod": True,
        "crash": True,
        "app_env": [{"name": "KEYVAULT_URL", "value": "https://kv-quickstart.vault.azure.net/"}],
        "edits": [
            lambda w: w.update(
                fics=[kv.fic("kubernetes-federated-credential", issuer.rstrip("/"), kv.subject_of())],
            ),
            lambda w: w["cluster"]["properties"]["oidcIssuerProfile"].update({"issuerURL": issuer}),
        ],
        "logs": {"web.previous": aadsts70021(issuer, "system:serviceaccount:default:workload-identity-sa")},
        "expected": real(
            "https://github.com/Azure/azure-workload-identity/issues/340",
            "AADSTS70021: No matching federated identity record found for presented assertion.",
            "github-issue",
            "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: "
            "'https://oidc.prod-aks.azure.com/XXXXXX/'. Assertion Subject: "
            "'system:serviceaccount:default:workload-identity-sa'. Assertion Audience: 'api://AzureADTokenExchange'.",
            "problem",
            "federated-credential-mismatch",
            ["az identity federated-credential update", issuer, "system:serviceaccount:default:workload-identity-sa"],
            acceptable=["federated-credential-missing"],
            verbatim_parts=["the AADSTS70021 text in the pod log", "namespace, ServiceAccount, pod name"],
            reconstructed=["the issuer id (redacted in the report)", "the credential's issuer without '/'", "Azure"],
        ),
    }
    # Azure/azure-workload-identity#461: "failed to read the service account token"; AZURE_FEDERATED_TOKEN_FILE
    # not injected, the maintainers ask whether the webhook is installed (it was not).
    out[rw + "awi461-webhook-not-installed"] = {
        "names": quick,
        "bare_pod": True,
        "injected": False,
        "crash": True,
        "app_env": [{"name": "KEYVAULT_URL", "value": "https://kv-quickstart.vault.azure.net/"}],
        "edits": [lambda w: w["cluster"]["properties"]["securityProfile"].update({"workloadIdentity": None})],
        "logs": {
            "web": 'E0606 12:06:20.120764       1 token_credential.go:43] "failed to read the service account token '
            'from the filesystem" err="open : no such file or directory"'
        },
        "expected": real(
            "https://github.com/Azure/azure-workload-identity/issues/461",
            "failed to read the service account token from the filesystem",
            "github-issue",
            '"failed to read the service account token from the filesystem" err="open : no such file or directory"',
            "problem",
            "workload-identity-disabled",
            ["--enable-workload-identity"],
            verbatim_parts=["the log line", "pod quick-start", "AZURE_FEDERATED_TOKEN_FILE not injected"],
            reconstructed=["the cluster without the workload identity webhook", "vault, identity, Azure"],
        ),
    }
    # Azure/azure-workload-identity#488: the same text, the sample logs keyvault="KVtestnmn"; the pod was not
    # mutated (no AZURE_FEDERATED_TOKEN_FILE): here it lacks the label.
    out[rw + "awi488-kvtestnmn-not-labelled"] = {
        "names": quick | {"VAULT": "KVtestnmn"},
        "bare_pod": True,
        "injected": False,
        "drop_labels": ["azure.workload.identity/use"],
        "crash": True,
        "logs": {
            "web.previous": app_log(
                'E0705 12:17:57.022789 1 token_credential.go:43] "failed to read the service account token from the '
                'filesystem" err="open : no such file or directory"',
                'E0705 12:25:27.132389 1 main.go:27] "failed to get secret from keyvault" err="autorest/Client#Do: '
                "Preparing request failed: StatusCode=0 -- Original Error: failed to read service account token: open : "
                'no such file or directory" keyvault="KVtestnmn" secretName="ad-cae-platform-graphana-2"',
            )
        },
        "expected": real(
            "https://github.com/Azure/azure-workload-identity/issues/488",
            'Failed to read the service account token from the filesystem" err="open : no such file or directory',
            "github-issue",
            'failed to read service account token: open : no such file or directory" keyvault="KVtestnmn" '
            'secretName="ad-cae-platform-graphana-2"',
            "problem",
            "pod-label-missing",
            ["azure.workload.identity/use"],
            acceptable=["workload-identity-disabled"],
            verbatim_parts=["the log lines with vault KVtestnmn and the secret name"],
            reconstructed=["which link was broken (the pod is unlabelled here)", "ServiceAccount, identity, Azure"],
        ),
    }
    # Azure/azure-workload-identity#1357: AZURE_CLIENT_ID not set, the other variables are; the annotation was
    # on the Service instead of the ServiceAccount.
    out[rw + "awi1357-annotation-on-service"] = {
        "names": {
            "NS": "flux-system",
            "POD": "notification-controller-6b8f9c5d4-x7k2p",
            "SA": "notification-controller",
            "RS": "notification-controller-6b8f9c5d4",
        },
        "deployment": "notification-controller",
        "world": {"sa_annotations": {}},
        "edits": [lambda w: w.update(pod_env=kv.webhook_env(None))],
        "services": [("notification-controller", {"azure.workload.identity/client-id": DEFAULTS["CLIENT_ID"]})],
        "app_env": [{"name": "KEY_VAULT_NAME", "value": "kv-flux-notify"}],
        "expected": real(
            "https://github.com/Azure/azure-workload-identity/issues/1357",
            "AZURE_CLIENT_ID environment variable is not set, other variables (AZURE_TENANT_ID, AZURE_AUTHORITY_HOST, "
            "AZURE_FEDERATED_TOKEN_FILE) are set",
            "github-issue",
            "Misconfiguration on svc instead of sa, closing..",
            "problem",
            "serviceaccount-annotation-missing",
            ["kubectl annotate serviceaccount notification-controller", DEFAULTS["CLIENT_ID"]],
            verbatim_parts=["the injected variables without AZURE_CLIENT_ID", "the annotation on the Service"],
            reconstructed=["names of the controller", "client id", "Azure"],
        ),
    }
    # Azure/azure-workload-identity#1026 (and #1231): AZURE_CLIENT_ID never assigned; the answer was that
    # workload identity was not enabled on the cluster.
    out[rw + "awi1026-workload-identity-not-enabled"] = {
        "names": quick,
        "bare_pod": True,
        "injected": False,
        "app_env": [
            {"name": "KEYVAULT_URL", "value": "https://kv-quickstart.vault.azure.net/"},
            {"name": "SECRET_NAME", "value": "my-secret"},
        ],
        "edits": [
            lambda w: w["cluster"]["properties"]["securityProfile"].update({"workloadIdentity": {"enabled": False}})
        ],
        "expected": real(
            "https://github.com/Azure/azure-workload-identity/issues/1231",
            "AZURE_CLIENT_ID env var is never assigned",
            "github-issue",
            "@aramase you are right, I missed enabling workload identity. After enabling now it is working. Thanks.",
            "problem",
            "workload-identity-disabled",
            ["az aks update", "--enable-workload-identity"],
            verbatim_parts=["pod quick-start with KEYVAULT_URL, SECRET_NAME, label and annotated ServiceAccount"],
            reconstructed=["the cluster's securityProfile", "vault name", "Azure"],
        ),
    }
    # MicrosoftDocs/azure-docs#108526: AADSTS700016 names the identity's ARM resource id: the annotation held
    # the resource id instead of the client id.
    uaid = "uaid-use2-ccl-aks-poc-wkload-identity"
    out[rw + "azuredocs108526-resource-id-as-client-id"] = {
        "names": quick | {"IDENTITY": uaid},
        "bare_pod": True,
        "crash": True,
        "app_env": [{"name": "KEYVAULT_URL", "value": "https://kv-use2-ccl-aks-poc.vault.azure.net/"}],
        "edits": [
            lambda w: w.update(
                identities=[kv.identity_body(w["shapes"])],
                sa_annotations={"azure.workload.identity/client-id": kv.IDENTITY_ID},
                pod_env=kv.webhook_env(kv.IDENTITY_ID),
            )
        ],
        "logs": {
            "web.previous": 'E0420 15:45:29.450444       1 main.go:60] "failed to get secret from keyvault" err=<\n'
            "        FromAssertion(): http call(https://login.microsoftonline.com/" + kv.TENANT + "/oauth2/v2.0/token)"
            '(POST) error: reply status code was 400: {"error":"unauthorized_client","error_description":"AADSTS700016: '
            "Application with identifier '/subscriptions/" + kv.SUB + "/resourceGroups/rg-shop-identities/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/" + uaid + "' was not found in the directory 'Contoso'. "
            "This can happen if the application has not been installed by the administrator of the tenant or consented "
            'to by any user in the tenant. You may have sent your authentication request to the wrong tenant."}'
        },
        "expected": real(
            "https://github.com/MicrosoftDocs/azure-docs/issues/108526",
            "Full instructions missing 1 step",
            "github-issue",
            "AADSTS700016: Application with identifier '/subscriptions/a73ced30-c712-4405-8828-67a833b1e39a/"
            "resourceGroups/rg-use2-ccl-aks-poc/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"
            "uaid-use2-ccl-aks-poc-wkload-identity' was not found in the directory 'Contoso'.",
            "problem",
            "client-id-mismatch",
            ["kubectl annotate serviceaccount workload-identity-sa", DEFAULTS["CLIENT_ID"]],
            verbatim_parts=["the AADSTS700016 text with the resource id", "identity name", "pod quick-start"],
            reconstructed=["subscription and resource group ids", "client id", "vault"],
        ),
    }
    # external-secrets/external-secrets#2783: a ClusterSecretStore with authType WorkloadIdentity; AADSTS70021
    # for system:serviceaccount:external-secrets:external-secrets: no credential trusts that subject.
    eso_issuer = "https://eastus.oic.prod-aks.azure.com/c90ea95b-aead-4931-b72e-f3e703fc342b/85ee619b-d637-4610-bacd-d4c64ff20348/"
    store = {
        "apiVersion": "external-secrets.io/v1beta1",
        "kind": "ClusterSecretStore",
        "metadata": {"name": "cluster-secret-store"},
        "spec": {
            "provider": {
                "azurekv": {
                    "authType": "WorkloadIdentity",
                    "vaultUrl": "https://kv-platform-eastus.vault.azure.net",
                    "serviceAccountRef": {"name": "external-secrets", "namespace": "external-secrets"},
                }
            }
        },
    }
    out[rw + "eso2783-clustersecretstore-aadsts70021"] = {
        "names": {
            "NS": "external-secrets",
            "POD": "external-secrets-5d4c8f7b9-q2w8e",
            "SA": "external-secrets",
            "RS": "external-secrets-5d4c8f7b9",
            "ISSUER": eso_issuer,
            "IDENTITY": "id-external-secrets",
        },
        "deployment": "external-secrets",
        "pod_labels": {"app.kubernetes.io/name": "external-secrets"},
        "drop_labels": ["azure.workload.identity/use"],
        "injected": False,
        "stores": [store],
        "edits": [
            lambda w: w.update(
                fics=[kv.fic("eso-default", eso_issuer, "system:serviceaccount:default:external-secrets")]
            ),
            lambda w: w["cluster"]["properties"]["oidcIssuerProfile"].update({"issuerURL": eso_issuer}),
        ],
        "logs": {"web": aadsts70021(eso_issuer, "system:serviceaccount:external-secrets:external-secrets")},
        "expected": real(
            "https://github.com/external-secrets/external-secrets/issues/2783",
            "Invalid Provider Config - ClusterSecretStore - Azure Workload Identity 401 - No Federated Identity",
            "github-issue",
            "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: "
            "'https://eastus.oic.prod-aks.azure.com/c90ea95b-aead-4931-b72e-f3e703fc342b/85ee619b-d637-4610-bacd-"
            "d4c64ff20348/'. Assertion Subject: 'system:serviceaccount:external-secrets:external-secrets'.",
            "problem",
            "federated-credential-missing",
            [
                "az identity federated-credential create",
                "system:serviceaccount:external-secrets:external-secrets",
                eso_issuer,
            ],
            verbatim_parts=["the AADSTS70021 text", "issuer", "subject", "the ClusterSecretStore kind and authType"],
            reconstructed=["the store's vault URL", "the credential trusting another namespace", "the log placement"],
        ),
    }
    # Azure/azure-workload-identity#756: the ServiceAccount carries the label azure.workload.identity/use
    # but no client-id annotation.
    out[rw + "awi756-serviceaccount-labelled-not-annotated"] = {
        "names": {
            "NS": "django-api-dev",
            "POD": "django-api-7454dfc7df-rv8t8",
            "SA": "sa-aks-appelent-workload-identity",
            "RS": "django-api-7454dfc7df",
        },
        "deployment": "django-api",
        "world": {"sa_annotations": {}},
        "edits": [lambda w: w.update(pod_env=kv.webhook_env(None))],
        "sa_edits": [
            lambda sa: sa["metadata"].update(
                labels={"app.kubernetes.io/managed-by": "Helm", "azure.workload.identity/use": "true"}
            )
        ],
        "crash": True,
        "app_env": [{"name": "AZURE_KEYVAULT_URL", "value": "https://kv-appelent.vault.azure.net/"}],
        "expected": real(
            "https://github.com/Azure/azure-workload-identity/issues/756",
            "cant get workload identity to work",
            "github-issue",
            "I have my serviceaccount and my pod labeled",
            "problem",
            "serviceaccount-annotation-missing",
            [
                "kubectl annotate serviceaccount sa-aks-appelent-workload-identity -n django-api-dev "
                f"azure.workload.identity/client-id={kv.CLIENT_ID}"
            ],
            verbatim_parts=["namespace, pod, ServiceAccount names and their labels"],
            reconstructed=[
                "the missing annotation",
                "vault URL",
                "Azure: the identity whose federated credential trusts the ServiceAccount (the issue's own annotation, "
                "added later, names 559588f6-…; the corpus identity's client id stands for it)",
            ],
        ),
    }
    # devopsaitoolkit.com: "Forbidden Key Vault secrets get": ForbiddenByRbac for db-password of prod-kv.
    out[rw + "blog-forbiddenbyrbac-prod-kv"] = {
        "names": {
            "NS": "prod",
            "POD": "api-5f7d9c8b6-h4j2k",
            "SA": "api",
            "RS": "api-5f7d9c8b6",
            "VAULT": "prod-kv",
            "VAULT_RG": "rg-prod",
        },
        "deployment": "api",
        "crash": True,
        "app_env": [{"name": "KEY_VAULT_URL", "value": "https://prod-kv.vault.azure.net/"}],
        "edits": [lambda w: w.update(assignments=[(kv.ROLE_KV_READER, kv.VAULT_ID, kv.PRINCIPAL)])],
        "logs": {
            "web.previous": "Unhandled exception. "
            + forbidden_by_rbac(
                "prod-kv",
                "/subscriptions/" + kv.SUB + "/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/prod-kv",
                "db-password",
                kv.PRINCIPAL,
            )
        },
        "expected": real(
            "https://devopsaitoolkit.com/blog/azure-error-keyvault-forbidden/",
            "Azure Error Guide: 'Forbidden' Key Vault Secrets Get Permission Denied",
            "blog",
            "Caller is not authorized to perform action on resource. ... Action: "
            "'Microsoft.KeyVault/vaults/secrets/getSecret/action' Resource: '/subscriptions/<sub>/resourcegroups/rg-prod/"
            'providers/microsoft.keyvault/vaults/prod-kv/secrets/db-password\'","innererror":{"code":"ForbiddenByRbac"}',
            "problem",
            "keyvault-reader-role-insufficient",
            ["az role assignment create", "Key Vault Secrets User", "prod-kv"],
            acceptable=["keyvault-rbac-role-missing"],
            verbatim_parts=["the ForbiddenByRbac answer", "vault prod-kv, resource group rg-prod, secret db-password"],
            reconstructed=["the identity holding Key Vault Reader (a cause the guide lists)", "pod and identity names"],
        ),
    }
    # isindir/sops-secrets-operator#190: labelled through podLabels, AADSTS700213; the credential expects a
    # specific ServiceAccount name, so the operator must run as that ServiceAccount.
    out[rw + "sops190-operator-runs-as-wrong-serviceaccount"] = {
        "names": {
            "NS": "sops",
            "POD": "sops-secrets-operator-7c9d8b6f5-m3n4b",
            "SA": "sops-secrets-operator",
            "RS": "sops-secrets-operator-7c9d8b6f5",
            "IDENTITY": "id-sops-decrypt",
        },
        "deployment": "sops-secrets-operator",
        "crash": True,
        "extra_sas": [("sops-decrypt", {"azure.workload.identity/client-id": DEFAULTS["CLIENT_ID"]})],
        "edits": [
            lambda w: w.update(fics=[kv.fic("sops-decrypt", kv.ISSUER, "system:serviceaccount:sops:sops-decrypt")])
        ],
        "logs": {
            "web.previous": "failed to decrypt: AADSTS700213: No matching federated identity record found for presented "
            "assertion subject 'system:serviceaccount:sops:sops-secrets-operator'. Please check your federated identity "
            "credential Subject, Audience and Issuer against the presented assertion."
        },
        "expected": real(
            "https://github.com/isindir/sops-secrets-operator/issues/190",
            "Azure workload identity needs to be setup in podLabels which isn't currently possible.",
            "github-issue",
            "In order to azure to be able to authorize the Workload Identity it is expecting a specific Service Account "
            "name. So In order to fix this I would also need to actually set the ServiceAccountName in the deployment.",
            "problem",
            "federated-credential-mismatch",
            ["serviceAccountName", "sops-decrypt", "deployment/sops-secrets-operator"],
            acceptable=["federated-credential-missing"],
            verbatim_parts=["AADSTS700213", "the operator labelled through podLabels, the fix: set serviceAccountName"],
            reconstructed=["the ServiceAccount names", "namespace", "identity", "the log wording around the code"],
        ),
    }
    # Azure/secrets-store-csi-driver-provider-azure#881: the vault is in another subscription (and region) than the
    # cluster; the CSI mount of the add-on identity gets 403 "does not have secrets get permission" (access policies).
    denied = kv.access_denied_message(kv.ADDON_CLIENT, kv.ADDON_PRINCIPAL)
    out[rw + "csi881-vault-other-subscription-access-policy"] = {
        "vault_sub": OTHER_SUB,
        "access_policies": True,
        "world": {
            "mode": "csi",
            "pod_labels": {},
            "pod_env": [],
            "fics": [],
            "assignments": [],
            "spc": kv.spc_object(client_id="", vm_identity=kv.ADDON_CLIENT),
            "events": [kv.failed_mount(kv.kv_403("AccessDenied", denied), 13)],
        },
        "expected": real(
            "https://github.com/Azure/secrets-store-csi-driver-provider-azure/issues/881",
            'Getting "Access Denied" for AKV when it is in a different subscription and region',
            "github-issue",
            '"failed to process mount request" err="failed to get objectType:secret, objectName:my-secret, '
            "objectVersion:: keyvault.BaseClient#GetSecret: Failure responding to request: StatusCode=403 -- Original "
            'Error: autorest/azure: Service returned an error. Status=403 Code=\\"Forbidden\\" Message=\\"The user, '
            "group or ap",
            "problem",
            "keyvault-access-policy-missing",
            ["az keyvault set-policy --name kv-shop-prod --resource-group rg-shop-secrets "
             f"--subscription {OTHER_SUB}", kv.ADDON_PRINCIPAL],
            verbatim_parts=["the vault in another subscription than the cluster", "the 403 of GetSecret on the mount"],
            reconstructed=["the access-policy model and its one policy for another principal", "the add-on identity",
                           "names", "the region (the issue's vault is in another region too)"],
        ),
    }
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
