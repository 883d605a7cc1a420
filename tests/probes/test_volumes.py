"""volumes: a claim's own reason for not binding, zonal disks, and what FailedMount / FailedAttachVolume name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from aksdoctor.model import Target
from aksdoctor.probes import volumes
from aksdoctor.probes.volumes import mount_facts, pod_claims, volume_zones
from aksdoctor.sources.bundle import BundleKube
from aksdoctor.sources.evidence import Evidence, Options


def test_claims_of_a_pod_include_generic_ephemeral_volumes():
    pod = {
        "metadata": {"name": "db-0"},
        "spec": {
            "volumes": [
                {"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}},
                {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {}}}},
                {"name": "config", "configMap": {"name": "db"}},
            ]
        },
    }
    assert pod_claims(pod) == [("data", "data-db-0"), ("scratch", "db-0-scratch")]


def test_zones_of_a_zonal_disk():
    pv = {"spec": {"nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
        {"key": "topology.disk.csi.azure.com/zone", "operator": "In", "values": ["westeurope-1"]}]}]}}}}  # fmt: skip
    assert volume_zones(pv) == ["westeurope-1"]
    assert volume_zones({"spec": {}}) == []


def test_multi_attach_names_the_pod_that_holds_the_disk():
    facts = mount_facts(
        {"spec": {"nodeName": "aks-userpool-1-vmss000001", "volumes": []}},
        'Multi-Attach error for volume "pvc-5b2e7c1a-93d4-4f0e-8a61-2c7d9e4b1f30" Volume is already used by pod(s) '
        "checkout-5d4c8b7f9-w8r2n",
    )
    assert facts["multi_attach"] is True
    assert facts["pv"] == facts["volume"] == "pvc-5b2e7c1a-93d4-4f0e-8a61-2c7d9e4b1f30"
    assert facts["other_pod"] == "checkout-5d4c8b7f9-w8r2n"
    exclusive = mount_facts(
        {"spec": {}},
        'Multi-Attach error for volume "pvc-8f21" Volume is already exclusively attached to one node and can\'t be '
        "attached to another",
    )
    assert exclusive["multi_attach"] and exclusive["other_pod"] is None


def test_missing_configmap_and_keyvault_mounts():
    missing = mount_facts(
        {"spec": {}}, 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found'
    )
    assert (missing["volume"], missing["missing_kind"], missing["missing_name"]) == (
        "config",
        "configmap",
        "app-config",
    )
    pod = {
        "spec": {
            "volumes": [
                {
                    "name": "secrets-store01-inline",
                    "csi": {
                        "driver": "secrets-store.csi.k8s.io",
                        "volumeAttributes": {"secretProviderClass": "web-kv"},
                    },
                }
            ]
        }
    }
    kv = mount_facts(
        pod,
        'MountVolume.SetUp failed for volume "secrets-store01-inline" : rpc error: code = Unknown desc = failed to mount '
        "secrets store objects for pod shop/web, err: rpc error: code = Unknown desc = failed to mount objects",
    )
    assert kv["keyvault"] is True and kv["secret_provider_class"] == "web-kv"


def claim(name: str, *, sc: str | None, phase: str = "Pending") -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "8Gi"}}}
    if sc is not None:
        spec["storageClassName"] = sc
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": "shop", "uid": f"uid-{name}"},
        "spec": spec,
        "status": {"phase": phase},
    }


def storage_class(name: str, *, default: bool = False, mode: str = "WaitForFirstConsumer") -> dict[str, Any]:
    annotations = {"storageclass.kubernetes.io/is-default-class": "true"} if default else {}
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": name, "annotations": annotations},
        "provisioner": "disk.csi.azure.com",
        "volumeBindingMode": mode,
    }


def claim_event(claim_name: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{claim_name}.1", "namespace": "shop"},
        "involvedObject": {
            "kind": "PersistentVolumeClaim",
            "name": claim_name,
            "namespace": "shop",
            "uid": f"uid-{claim_name}",
        },
        "reason": reason,
        "message": message,
        "count": 3,
        "lastTimestamp": "2026-11-21T09:57:00Z",
    }


def evidence(tmp_path: Path, claims: list[str], objects: list[dict[str, Any]]) -> Evidence:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "db-0", "namespace": "shop", "uid": "uid-db-0"},
        "spec": {
            "containers": [{"name": "db", "image": "postgres:16"}],
            "volumes": [{"name": f"v{i}", "persistentVolumeClaim": {"claimName": c}} for i, c in enumerate(claims)],
        },
        "status": {"phase": "Pending"},
    }
    kinds: dict[str, list[dict[str, Any]]] = {
        "persistentvolumeclaims": [],
        "storageclasses": [],
        "events": [],
        "persistentvolumes": [],
    }
    for obj in objects:
        kinds[
            {
                "PersistentVolumeClaim": "persistentvolumeclaims",
                "StorageClass": "storageclasses",
                "Event": "events",
                "PersistentVolume": "persistentvolumes",
            }[obj["kind"]]
        ].append(obj)
    (tmp_path / "pod.yaml").write_text(yaml.safe_dump(pod))
    for name, items in kinds.items():
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))
    return Evidence(kube=BundleKube(tmp_path), azure=None, target=Target("Pod", "db-0", "shop"), options=Options())


def test_a_claim_of_a_missing_class_says_so_and_offers_the_default(tmp_path):
    ev = evidence(
        tmp_path,
        ["data-db-0"],
        [
            claim("data-db-0", sc="fast-ssd"),
            storage_class("managed-csi", default=True),
            claim_event("data-db-0", "ProvisioningFailed", 'storageclass.storage.k8s.io "fast-ssd" not found'),
        ],
    )
    outcome = volumes.claims_bound(ev)
    assert outcome.answer == "unbound"
    assert outcome.evidence[0] == (
        'claim data-db-0 is Pending: storage class "fast-ssd" does not exist',
        "PersistentVolumeClaim shop/data-db-0",
    )
    assert outcome.evidence[1][0] == 'ProvisioningFailed: storageclass.storage.k8s.io "fast-ssd" not found'
    assert outcome.facts["recreate_with_class"] == "managed-csi"
    assert outcome.facts["storage_class_missing"] is True


def test_a_provisioner_failure_is_the_claims_own_reason(tmp_path):
    message = (
        'failed to provision volume with StorageClass "managed-csi": rpc error: code = Internal desc = quota exceeded'
    )
    ev = evidence(
        tmp_path,
        ["data-db-0"],
        [
            claim("data-db-0", sc="managed-csi"),
            storage_class("managed-csi", default=True),
            claim_event("data-db-0", "ProvisioningFailed", message),
        ],
    )
    outcome = volumes.claims_bound(ev)
    assert outcome.answer == "unbound"
    assert outcome.facts["pvc_reason"] == f"ProvisioningFailed: {message}"
    assert outcome.facts["provisioning_failed"] is True and outcome.facts["recreate_with_class"] is None


def test_wait_for_first_consumer_is_not_a_blocker_and_missing_claims_are(tmp_path):
    ev = evidence(tmp_path, ["data-db-0"], [claim("data-db-0", sc="managed-csi"), storage_class("managed-csi")])
    outcome = volumes.claims_bound(ev)
    assert outcome.answer == "bound"
    assert "waits for its first consumer" in outcome.evidence[0][0]
    missing = volumes.claims_bound(evidence(tmp_path, ["nope"], [storage_class("managed-csi")]))
    assert missing.answer == "unbound" and missing.facts["claim_missing"] is True


def test_no_class_and_no_default_waits_for_a_volume_forever(tmp_path):
    ev = evidence(tmp_path, ["data-db-0"], [claim("data-db-0", sc=None), storage_class("premium")])
    outcome = volumes.claims_bound(ev)
    assert outcome.answer == "unbound"
    assert "no storage class is set and the cluster has no default class" in outcome.facts["pvc_reason"]
