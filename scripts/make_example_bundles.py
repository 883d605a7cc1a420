"""Write examples/bundles/imagepull-*: one realistic evidence bundle per imagepull cause.

Azure bodies start from the public Microsoft examples in ../shared/azure-arm-examples (real response
shapes); only names and ids are changed. Run from the repository root:

    python scripts/make_example_bundles.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import shutil
from pathlib import Path
from typing import Any

import yaml

SUB = "3f2b7c1e-8d4a-4b6f-9e2d-7a1c5b8e0f42"
RG = "rg-shop-prod"
CLUSTER = "aks-prod"
LOCATION = "westeurope"
NODE_RG = f"MC_{RG}_{CLUSTER}_{LOCATION}"
ACR = "contososhop"
ACR_HOST = f"{ACR}.azurecr.io"
ACR_RG = "rg-shared-registry"
ACR_ID = f"/subscriptions/{SUB}/resourceGroups/{ACR_RG}/providers/Microsoft.ContainerRegistry/registries/{ACR}"
KUBELET_OID = "7d2e4c1a-5b3f-4e8d-9a6c-1f0b2e3d4c5a"
KUBELET_CID = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
NS = "shop"
POD = "web-7d9f8-x2x"
RS = "web-7d9f8"
NODE = "aks-nodepool1-31718369-vmss000000"
ARM = "https://management.azure.com"
NOW = "2026-11-21T09:58:12Z"
EARLIER = "2026-11-21T09:41:03Z"
TAGS = ["1.4.0", "1.4.1", "1.4.3", "1.5.0", "latest"]

ROLE_ACRPULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
ROLE_READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
ROLE_BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
# Roles not in aksdoctor's built-in table are read from ARM: record them (shape of roleDefinitions_GetById.json).
CUSTOM_ROLES = {
    ROLE_BLOB_READER: (
        "Storage Blob Data Reader",
        [
            "Microsoft.Storage/storageAccounts/blobServices/containers/read",
            "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
        ],
        ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
    ),
}
ROLE_REPO_READER = "b93aa761-3e63-49ed-ac28-beffa264f7ac"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default="examples/bundles")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    out = Path(args.out)
    for case, spec in cases(shapes).items():
        write(out / case, spec)
        print(f"wrote {out / case}")


# ---- the cases --------------------------------------------------------------------------------
def cases(shapes: Path) -> dict[str, dict[str, Any]]:
    acr_image = f"{ACR_HOST}/shop/web:1.4.2"
    pull = f'Failed to pull image "{acr_image}": '
    resolve = f'failed to pull and unpack image "{acr_image}": failed to resolve reference "{acr_image}": '
    registry = registry_body(shapes)
    abac_registry = copy.deepcopy(registry)
    abac_registry["properties"]["roleAssignmentMode"] = "AbacRepositoryPermissions"
    closed = copy.deepcopy(registry)
    closed["properties"]["publicNetworkAccess"] = "Disabled"
    closed["properties"]["networkRuleSet"] = {"defaultAction": "Deny", "ipRules": []}
    unauthorized = (
        pull
        + "[rpc error: code = Unknown desc = "
        + resolve
        + ("failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized]")
    )
    not_found = pull + "[rpc error: code = NotFound desc = " + resolve + f"{acr_image}: not found]"
    azure_std = lambda **kw: azure(shapes, **kw)  # noqa: E731 - local shorthand
    return {
        "imagepull-acr-pull-permission-missing": {
            "image": acr_image,
            "message": unauthorized,
            "azure": azure_std(
                registry=registry, assignments=[(ROLE_BLOB_READER, f"/subscriptions/{SUB}")], tags=TAGS + ["1.4.2"]
            ),
        },
        "imagepull-acr-abac-reader-not-enough": {
            "image": acr_image,
            "message": unauthorized,
            "azure": azure_std(
                registry=abac_registry,
                assignments=[(ROLE_READER, f"/subscriptions/{SUB}/resourceGroups/{ACR_RG}")],
                tags=TAGS + ["1.4.2"],
            ),
        },
        "imagepull-acr-role-present-inconclusive": {
            "image": acr_image,
            "message": unauthorized,
            "azure": azure_std(registry=registry, assignments=[(ROLE_ACRPULL, ACR_ID)], tags=TAGS + ["1.4.2"]),
        },
        "imagepull-acr-no-azure-access": {
            "image": acr_image,
            "message": unauthorized,
            "azure": azure_std(registry=registry, assignments=None, tags=TAGS + ["1.4.2"], forbid_assignments=True),
        },
        "imagepull-image-tag-not-found": {
            "image": acr_image,
            "message": not_found,
            "azure": azure_std(registry=registry, assignments=[(ROLE_ACRPULL, ACR_ID)], tags=TAGS),
        },
        "imagepull-image-repository-not-found": {
            "image": acr_image,
            "message": not_found,
            "azure": azure_std(registry=registry, assignments=[(ROLE_ACRPULL, ACR_ID)], tags=None),
        },
        "imagepull-image-now-available": {
            "image": acr_image,
            "message": not_found,
            "azure": azure_std(registry=registry, assignments=[(ROLE_ACRPULL, ACR_ID)], tags=TAGS + ["1.4.2"]),
        },
        "imagepull-acr-network-blocked": {
            "image": acr_image,
            "message": pull
            + "rpc error: code = Unknown desc = "
            + resolve
            + "failed to authorize: failed to fetch anonymous token: unexpected status: 403 Forbidden",
            "azure": azure_std(registry=closed, assignments=[(ROLE_ACRPULL, ACR_ID)], tags=TAGS + ["1.4.2"]),
        },
        "imagepull-registry-dns-failure": {
            "image": "contososhopp.azurecr.io/shop/web:1.4.2",
            "message": 'Failed to pull image "contososhopp.azurecr.io/shop/web:1.4.2": rpc error: code = Unknown desc = '
            'failed to pull and unpack image "contososhopp.azurecr.io/shop/web:1.4.2": failed to resolve reference '
            '"contososhopp.azurecr.io/shop/web:1.4.2": failed to do request: Head '
            '"https://contososhopp.azurecr.io/v2/shop/web/manifests/1.4.2": dial tcp: lookup contososhopp.azurecr.io '
            "on 168.63.129.16:53: no such host",
            "azure": None,
        },
        "imagepull-image-pull-secret-missing": {
            "image": "registry.partner.example/shop/web:1.4.2",
            "message": 'Failed to pull image "registry.partner.example/shop/web:1.4.2": rpc error: code = Unknown desc = '
            'failed to pull and unpack image "registry.partner.example/shop/web:1.4.2": failed to resolve reference '
            '"registry.partner.example/shop/web:1.4.2": failed to authorize: failed to fetch oauth token: '
            "unexpected status: 401 Unauthorized",
            "pull_secrets": ["partner-registry"],
            "extra_events": [
                (
                    "FailedToRetrieveImagePullSecret",
                    "Unable to retrieve some image pull secrets (partner-registry); attempting to pull the image may not succeed.",
                )
            ],
            "azure": None,
        },
        "imagepull-image-pull-secret-invalid": {
            "image": "registry.partner.example/shop/web:1.4.2",
            "message": 'Failed to pull image "registry.partner.example/shop/web:1.4.2": rpc error: code = Unknown desc = '
            'failed to pull and unpack image "registry.partner.example/shop/web:1.4.2": failed to resolve reference '
            '"registry.partner.example/shop/web:1.4.2": failed to authorize: failed to fetch oauth token: '
            "unexpected status: 401 Unauthorized",
            "pull_secrets": ["partner-registry"],
            "secrets": {"partner-registry": ["registry.old-partner.example"]},
            "azure": None,
        },
        "imagepull-registry-auth-required": {
            "image": "ghcr.io/contoso/private-web:2.0.1",
            "message": 'Failed to pull image "ghcr.io/contoso/private-web:2.0.1": rpc error: code = Unknown desc = '
            'failed to pull and unpack image "ghcr.io/contoso/private-web:2.0.1": failed to resolve reference '
            '"ghcr.io/contoso/private-web:2.0.1": failed to authorize: failed to fetch anonymous token: '
            "unexpected status: 401 Unauthorized",
            "azure": None,
        },
        "imagepull-registry-rate-limited": {
            "image": "nginx:1.27",
            "message": 'Failed to pull image "nginx:1.27": rpc error: code = Unknown desc = failed to pull and unpack image '
            '"docker.io/library/nginx:1.27": failed to copy: httpReadSeeker: failed open: unexpected status code '
            "https://registry-1.docker.io/v2/library/nginx/manifests/sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac: "
            "429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may "
            "increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
            "azure": None,
        },
        "imagepull-registry-tls-error": {
            "image": "harbor.corp.example/shop/web:1.4.2",
            "message": 'Failed to pull image "harbor.corp.example/shop/web:1.4.2": rpc error: code = Unknown desc = '
            'failed to pull and unpack image "harbor.corp.example/shop/web:1.4.2": failed to resolve reference '
            '"harbor.corp.example/shop/web:1.4.2": failed to do request: Head "https://harbor.corp.example/v2/shop/web/manifests/1.4.2": '
            "tls: failed to verify certificate: x509: certificate signed by unknown authority",
            "azure": None,
        },
        "imagepull-image-platform-mismatch": {
            "image": acr_image,
            "message": pull + "rpc error: code = NotFound desc = " + f'failed to pull and unpack image "{acr_image}": '
            "no match for platform in manifest: not found",
            "azure": azure_std(registry=registry, assignments=[(ROLE_ACRPULL, ACR_ID)], tags=TAGS + ["1.4.2"]),
        },
        "imagepull-invalid-image-name": {
            "image": "contososhop.azurecr.io/Shop/Web:1.4.2",
            "reason": "InvalidImageName",
            "message": 'Failed to apply default image tag "contososhop.azurecr.io/Shop/Web:1.4.2": couldn\'t parse image name '
            '"contososhop.azurecr.io/Shop/Web:1.4.2": invalid reference format: repository name (Shop/Web) must be lowercase',
            "event_reason": "InspectFailed",
            "azure": None,
        },
        "imagepull-healthy": {"image": acr_image, "running": True, "azure": None},
    }


# ---- Kubernetes objects ------------------------------------------------------------------------
def write(folder: Path, spec: dict[str, Any]) -> None:
    for old in folder.iterdir() if folder.is_dir() else []:  # keep the expected verdict (tests/test_examples.py)
        if old.name != "expected.json":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    (folder / "kubernetes").mkdir(parents=True)
    pod = pod_object(spec)
    dump(folder / "kubernetes" / "pod.yaml", pod)
    dump(folder / "kubernetes" / "events.yaml", {"apiVersion": "v1", "kind": "List", "items": events(spec, pod)})
    dump(folder / "kubernetes" / "nodes.yaml", {"apiVersion": "v1", "kind": "List", "items": [node_object()]})
    dump(
        folder / "kubernetes" / "replicasets.yaml", {"apiVersion": "v1", "kind": "List", "items": [replicaset_object()]}
    )
    secrets = [secret_object(name, hosts) for name, hosts in (spec.get("secrets") or {}).items()]
    dump(folder / "kubernetes" / "secrets.yaml", {"apiVersion": "v1", "kind": "List", "items": secrets})
    (folder / "COMMAND").write_text(f"aksdoctor imagepull {POD} -n {NS}\n", encoding="utf-8")
    if spec.get("azure"):
        (folder / "azure").mkdir()
        lines = [json.dumps(rec, separators=(",", ":")) for rec in spec["azure"]]
        (folder / "azure" / "arm.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def pod_object(spec: dict[str, Any]) -> dict[str, Any]:
    running = spec.get("running")
    state = (
        {"running": {"startedAt": EARLIER}}
        if running
        else {"waiting": {"reason": spec.get("reason", "ImagePullBackOff"), "message": backoff(spec)}}
    )
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": POD,
            "namespace": NS,
            "uid": "0f6a1b2c-3d4e-4f5a-8b9c-0d1e2f3a4b5c",
            "labels": {"app": "web", "pod-template-hash": "7d9f8"},
            "creationTimestamp": EARLIER,
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": RS,
                    "uid": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "nodeName": NODE,
            "serviceAccountName": "web",
            "containers": [{"name": "web", "image": spec["image"], "ports": [{"containerPort": 8080}]}],
            **({"imagePullSecrets": [{"name": n} for n in spec["pull_secrets"]]} if spec.get("pull_secrets") else {}),
        },
        "status": {
            "phase": "Running" if running else "Pending",
            "hostIP": "10.224.0.4",
            "podIP": "10.244.1.17",
            "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": EARLIER}],
            "containerStatuses": [
                {
                    "name": "web",
                    "image": spec["image"],
                    "imageID": "",
                    "ready": bool(running),
                    "restartCount": 0,
                    "started": bool(running),
                    "state": state,
                }
            ],
        },
    }


def backoff(spec: dict[str, Any]) -> str:
    if spec.get("reason") == "InvalidImageName":
        return spec["message"]
    return f'Back-off pulling image "{spec["image"]}"'


def events(spec: dict[str, Any], pod: dict[str, Any]) -> list[dict[str, Any]]:
    if spec.get("running"):
        return [event(pod, "Normal", "Pulled", f'Container image "{spec["image"]}" already present on machine', 1)]
    out = [event(pod, "Normal", "Pulling", f'Pulling image "{spec["image"]}"', 6)]
    for reason, message in spec.get("extra_events", []):
        out.append(event(pod, "Warning", reason, message, 6))
    if spec.get("reason") == "InvalidImageName":
        out.append(event(pod, "Warning", spec.get("event_reason", "InspectFailed"), spec["message"], 8))
        out.append(event(pod, "Warning", "Failed", "Error: InvalidImageName", 8))
        return out
    out.append(event(pod, "Warning", "Failed", spec["message"], 6))
    out.append(event(pod, "Warning", "Failed", "Error: ErrImagePull", 6))
    out.append(event(pod, "Normal", "BackOff", f'Back-off pulling image "{spec["image"]}"', 41))
    out.append(event(pod, "Warning", "Failed", "Error: ImagePullBackOff", 41))
    return out


_COUNTER = iter(range(1, 10_000))


def event(pod: dict[str, Any], kind: str, reason: str, message: str, count: int) -> dict[str, Any]:
    meta = pod["metadata"]
    n = next(_COUNTER)
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{POD}.187a2c3d{n:08x}", "namespace": NS, "creationTimestamp": EARLIER},
        "involvedObject": {
            "apiVersion": "v1",
            "kind": "Pod",
            "name": POD,
            "namespace": NS,
            "uid": meta["uid"],
            "fieldPath": "spec.containers{web}",
        },
        "reason": reason,
        "message": message,
        "type": kind,
        "count": count,
        "firstTimestamp": EARLIER,
        "lastTimestamp": NOW,
        "source": {"component": "kubelet", "host": NODE},
        "reportingComponent": "kubelet",
        "reportingInstance": NODE,
    }


def node_object() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": NODE,
            "labels": {
                "agentpool": "nodepool1",
                "kubernetes.azure.com/agentpool": "nodepool1",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": "Standard_D4ds_v5",
                "topology.kubernetes.io/region": LOCATION,
            },
        },
        "spec": {
            "providerID": f"azure:///subscriptions/{SUB}/resourceGroups/{NODE_RG.lower()}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-31718369-vmss/virtualMachines/0"
        },
        "status": {
            "allocatable": {"cpu": "3860m", "memory": "12880516Ki", "pods": "110"},
            "capacity": {"cpu": "4", "memory": "16369924Ki", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
            "nodeInfo": {
                "architecture": "amd64",
                "operatingSystem": "linux",
                "containerRuntimeVersion": "containerd://1.7.27-1",
                "kubeletVersion": "v1.31.5",
            },
        },
    }


def replicaset_object() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": RS,
            "namespace": NS,
            "uid": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
            "labels": {"app": "web", "pod-template-hash": "7d9f8"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": "web",
                    "uid": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
                    "controller": True,
                }
            ],
        },
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "7d9f8"}}},
        "status": {"replicas": 1, "readyReplicas": 0},
    }


def secret_object(name: str, hosts: list[str]) -> dict[str, Any]:
    config = {"auths": {h: {"auth": "<redacted>"} for h in hosts}}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "kubernetes.io/dockerconfigjson",
        "metadata": {"name": name, "namespace": NS},
        "data": {".dockerconfigjson": base64.b64encode(json.dumps(config).encode()).decode()},
    }


# ---- Azure recordings --------------------------------------------------------------------------
def azure(
    shapes: Path,
    *,
    registry: dict[str, Any],
    assignments: list[tuple[str, str]] | None,
    tags: list[str] | None,
    forbid_assignments: bool = False,
) -> list[dict[str, Any]]:
    cluster = cluster_body(shapes)
    cluster_url = f"{ARM}/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{CLUSTER}?api-version=2025-10-01"
    recs = [
        rec(
            f"{ARM}/subscriptions/{SUB}/providers/Microsoft.ContainerService/managedClusters?api-version=2025-10-01",
            200,
            {"value": [cluster]},
        ),
        rec(cluster_url, 200, cluster),
        rec(
            f"{ARM}/subscriptions/{SUB}/providers/Microsoft.ContainerRegistry/registries?api-version=2025-11-01",
            200,
            {"value": [registry]},
        ),
    ]
    ra_url = f"{ARM}{ACR_ID}/providers/Microsoft.Authorization/roleAssignments?$filter=principalId%20eq%20%27{KUBELET_OID}%27&api-version=2022-04-01"
    if forbid_assignments:
        recs.append(
            rec(
                ra_url,
                403,
                {
                    "error": {
                        "code": "AuthorizationFailed",
                        "message": (
                            "The client 'oncall@contoso.example' with object id 'e3a1f0c2-7b6d-4e5f-8a9b-0c1d2e3f4a5b' does not have authorization "
                            f"to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '{ACR_ID}' or the scope is invalid. "
                            "If access was recently granted, please refresh your credentials."
                        ),
                    }
                },
            )
        )
    elif assignments is not None:
        recs.append(
            rec(ra_url, 200, {"value": [assignment(role, scope, i) for i, (role, scope) in enumerate(assignments)]})
        )
        for role, _scope in assignments:
            if role in CUSTOM_ROLES:
                recs.append(role_definition(shapes, role))
    tags_url = f"https://{ACR_HOST}/acr/v1/shop%2Fweb/_tags?api-version=2021-07-01"
    if tags is None:
        recs.append(
            rec(
                tags_url,
                404,
                json.loads(
                    (shapes / "ContainerRegistry.DataPlane/DeleteRepository.recorded-404-NAME_UNKNOWN.json").read_text()
                )
                | {
                    "errors": [
                        {
                            "code": "NAME_UNKNOWN",
                            "message": "repository name not known to registry",
                            "detail": {"name": "shop/web"},
                        }
                    ]
                },
            )
        )
    else:
        body = json.loads((shapes / "ContainerRegistry.DataPlane/GetTags.recorded.json").read_text())
        template = body["tags"][0]
        body = {"registry": ACR_HOST, "imageName": "shop/web", "tags": [dict(template, name=t) for t in tags]}
        recs.append(rec(tags_url, 200, body))
    return recs


def cluster_body(shapes: Path) -> dict[str, Any]:
    body = json.loads(
        (shapes / "Microsoft.ContainerService/managedClusters_Get.recorded-workloadIdentity.json").read_text()
    )
    text = json.dumps(body)
    text = (
        text.replace("00000000-0000-0000-0000-000000000000", SUB)
        .replace("clitest000001", RG)
        .replace("cliakstest000001", CLUSTER)
    )
    text = text.replace("westus2", LOCATION)
    body = json.loads(text)
    props = body["properties"]
    props["nodeResourceGroup"] = NODE_RG
    props["identityProfile"]["kubeletidentity"].update(
        {
            "objectId": KUBELET_OID,
            "clientId": KUBELET_CID,
            "resourceId": f"/subscriptions/{SUB}/resourcegroups/{NODE_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{CLUSTER}-agentpool",
        }
    )
    props.get("linuxProfile", {}).get("ssh", {}).update({"publicKeys": [{"keyData": "ssh-rsa AAAA...redacted"}]})
    return body


def registry_body(shapes: Path) -> dict[str, Any]:
    body = json.loads((shapes / "Microsoft.ContainerRegistry/registries_Get.json").read_text())
    body["id"] = ACR_ID
    body["name"] = ACR
    body["location"] = LOCATION
    body["properties"]["loginServer"] = ACR_HOST
    return body


def assignment(role_guid: str, scope: str, i: int) -> dict[str, Any]:
    name = f"5e1c2d3a-4b5f-4c6d-8e7f-{i:012d}"
    return {
        "properties": {
            "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}",
            "principalId": KUBELET_OID,
            "principalType": "ServicePrincipal",
            "scope": scope,
        },
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "type": "Microsoft.Authorization/roleAssignments",
        "name": name,
    }


def role_definition(shapes: Path, guid: str) -> dict[str, Any]:
    body = json.loads((shapes / "Microsoft.Authorization/roleDefinitions_GetById.json").read_text())
    name, actions, data_actions = CUSTOM_ROLES[guid]
    role_id = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
    body.update({"id": role_id, "name": guid})
    body["properties"].update({"roleName": name, "type": "BuiltInRole", "description": name, "assignableScopes": ["/"]})
    body["properties"]["permissions"] = [
        {"actions": actions, "notActions": [], "dataActions": data_actions, "notDataActions": []}
    ]
    return rec(f"{ARM}{role_id}?api-version=2022-04-01", 200, body)


def rec(url: str, status: int, body: Any) -> dict[str, Any]:
    return {"method": "GET", "url": url, "status": status, "body": body}


def dump(path: Path, obj: Any) -> None:
    path.write_text(yaml.safe_dump(obj, sort_keys=False, width=200), encoding="utf-8")


if __name__ == "__main__":
    main()
