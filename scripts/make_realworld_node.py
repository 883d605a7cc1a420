"""Write tests/realworld/node-*: node cases reconstructed from public failure reports.

Each case keeps what its report shows (the condition, event, eviction or vmssCSE text, the workload
shape) and fills the rest with the shapes of scripts/make_example_bundles_node.py. The report's URL, the
text taken verbatim and what was reconstructed are in each case's expected.json. Run from the repository
root:

    python scripts/make_realworld_node.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from make_example_bundles_node import CNI_MESSAGE, LOST, PLEG_MESSAGE, UNKNOWN, write

SILENT = {"conditions": UNKNOWN, "taints": ["node.kubernetes.io/unreachable"], "lease": "2026-11-21T09:40:21Z"}
VMSS = "aks-userpool-24817365-vmss"


def case(url: str, title: str, kind: str, verbatim: str, status: str, cause: str | None, **more: Any) -> dict:
    return {
        "runbook": "node",
        "source": {"url": url, "title": title, "kind": kind},
        "verbatim": verbatim,
        "expected": {"status": status, "cause": cause, "acceptable": more.get("acceptable", [])},
        "fix_must_name": more.get("fix", []),
        "fidelity": {
            "verbatim": more.get("verbatim_parts", []),
            "reconstructed": more.get("reconstructed", ["node, pool and pod names", "timestamps"]),
        },
    }


def cases() -> dict[str, dict[str, Any]]:
    exit50 = "Enable failed: failed to execute command: command terminated with exit status=50\n[stdout]\n\n[stderr]\n"
    exit34 = (
        "Enable failed: failed to execute command: command terminated with exit status=34 [stdout] "
        '{ "ExitCode": "34", "Output": "53403]: primaryNicIP is unset, exiting..."'
    )
    return {
        "node-kubelet-silent-pods-unknown": {
            **SILENT,
            "azure": None,
            "expected_json": case(
                "https://github.com/Azure/AKS/issues/749",
                "Node was not restarted automatically when status NotReady",
                "github-issue",
                "Kubelet stopped posting node status.",
                "problem",
                "kubelet-stopped-posting-status",
                fix=["az vmss restart", VMSS, "--instance-ids 1"],
                verbatim_parts=["the NodeStatusUnknown conditions"],
            ),
        },
        "node-deallocated-disk-multi-attach": {
            **SILENT,
            "azure": {"power": "deallocated"},
            "stuck": True,
            "multi_attach": True,
            "owner": "Deployment",
            "app": "win-webapp",
            "claim": "azure-managed-disk",
            "namespace": "default",
            "expected_json": case(
                "https://github.com/kubernetes/kubernetes/issues/80381",
                "Multi-Attach error for Azure Disks still happening in v1.14",
                "github-issue",
                "I deallocate node1, pods go to terminating state. Then, deployment recreates new pods on node2."
                " However, those new pods are stuck in a ContainerCreating state for 18+ hours because of"
                " Multi-Attach error for the Azure Disks.",
                "problem",
                "vmss-instance-not-running",
                acceptable=["pods-stuck-terminating", "volume-multi-attach", "kubelet-stopped-posting-status"],
                fix=["az vmss start", VMSS],
                verbatim_parts=["the deallocated VM, the Terminating and ContainerCreating pods, Multi-Attach"],
                reconstructed=["names (Linux node instead of Windows)", "the instance view"],
            ),
        },
        "node-cse-exit-status-50": {
            **SILENT,
            "azure": {"power": "running", "cse_exit": 50, "cse_text": exit50},
            "expected_json": case(
                "https://github.com/Azure/AKS/issues/1607",
                "VM has reported a failure when processing extension 'vmssCSE' ... exit status=50",
                "github-issue",
                "VM has reported a failure when processing extension 'vmssCSE'. Error message: \"Enable failed:"
                " failed to execute command: command terminated with exit status=50",
                "problem",
                "vmss-instance-provisioning-failed",
                fix=["az vmss reimage", VMSS],
                verbatim_parts=["the vmssCSE error message"],
                reconstructed=["the node (reported NotReady)", "the instance view around the message"],
            ),
        },
        "node-cse-exit-status-34": {
            **SILENT,
            "azure": {"power": "running", "cse_exit": 34, "cse_text": exit34},
            "expected_json": case(
                "https://github.com/Azure/AKS/issues/4584",
                "vmssCSE extension failing",
                "github-issue",
                "VM has reported a failure when processing extension 'vmssCSE' (publisher"
                " 'Microsoft.Azure.Extensions' and type 'CustomScript'). Error message: 'Enable failed: failed to"
                ' execute command: command terminated with exit status=34 [stdout] { "ExitCode": "34", "Output":'
                ' "53403]: primaryNicIP is unset, exiting...',
                "problem",
                "vmss-instance-provisioning-failed",
                fix=["az vmss reimage", VMSS],
                verbatim_parts=["the vmssCSE error message"],
            ),
        },
        "node-cni-config-uninitialized": {
            "conditions": [
                (
                    "Ready",
                    "False",
                    "KubeletNotReady",
                    "runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker:"
                    " network plugin is not ready: cni config uninitialized",
                )
            ],
            "taints": ["node.kubernetes.io/not-ready"],
            "azure": None,
            "expected_json": case(
                "https://github.com/Azure/AKS/issues/425",
                "Nodes are at NotReady State due to Network Plugin CNI (Azure CNI)",
                "github-issue",
                "runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network"
                " plugin is not ready: cni config uninitialized",
                "problem",
                "network-plugin-not-ready",
                fix=["kubectl"],
                verbatim_parts=["the Ready=False message"],
            ),
        },
        "node-cni-plugin-not-initialized-cilium": {
            "conditions": [("Ready", "False", "KubeletNotReady", CNI_MESSAGE)],
            "taints": ["node.kubernetes.io/not-ready"],
            "azure": {"cilium": True},
            "cilium_down": True,
            "expected_json": case(
                "https://github.com/aws/karpenter-provider-aws/issues/1391",
                'Newly added nodes stuck in NotReady state with error: "cni plugin not initialized"',
                "github-issue",
                "KubeletNotReady runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady"
                " message:Network plugin returns error: cni plugin not initialized",
                "problem",
                "network-plugin-not-ready",
                fix=["kubectl logs cilium-", "-n kube-system"],
                verbatim_parts=["the Ready=False message"],
                reconstructed=["an AKS cluster with Azure CNI powered by Cilium instead of EKS", "names"],
            ),
        },
        "node-memory-eviction-750mi": {
            "conditions": [
                ("MemoryPressure", "True", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")
            ],
            "taints": ["node.kubernetes.io/memory-pressure"],
            "evicted": "memory",
            "azure": None,
            "expected_json": case(
                "https://github.com/Azure/AKS/issues/4172",
                "[BUG] Memory reservation config of version 1.29 does not take effect",
                "github-issue",
                "We can also see that pods are evicted at the 750MB threshold instead of the 100MB threshold.",
                "problem",
                "node-memory-pressure",
                fix=["kubectl set resources deployment/report-worker", "--limits=memory="],
                reconstructed=["the Evicted message around the 750Mi threshold", "names", "usage"],
            ),
        },
        "node-disk-eviction-ephemeral-storage": {
            "conditions": [("DiskPressure", "True", "KubeletHasDiskPressure", "kubelet has disk pressure")],
            "taints": ["node.kubernetes.io/disk-pressure"],
            "evicted": "ephemeral-storage",
            "evicted_message": (
                "The node was low on resource: ephemeral-storage. Threshold quantity: 2146223340, available:"
                " 1883424Ki. Container report-worker was using 10304Ki, request is 10Mi, has larger consumption of"
                " ephemeral-storage. Container consumerui was using 52676Ki, request is 10Mi, has larger consumption"
                " of ephemeral-storage."
            ),
            "azure": {},
            "expected_json": case(
                "https://github.com/cloud-ark/kubeplus/issues/1382",
                "KubePlus Pod evicted because of low ephemeral storage",
                "github-issue",
                "The node was low on resource: ephemeral-storage. Threshold quantity: 2146223340, available:"
                " 1883424Ki.",
                "problem",
                "node-disk-pressure",
                fix=["ephemeral-storage", "--node-osdisk-size"],
                verbatim_parts=["the Evicted message (first container renamed)"],
            ),
        },
        "node-pleg-thread-exhaustion": {
            "conditions": [("Ready", "False", "KubeletNotReady", PLEG_MESSAGE)],
            "taints": ["node.kubernetes.io/not-ready"],
            "threads": True,
            "thread_message": (
                "Error: failed to start container: runtime/cgo: pthread_create failed: Resource temporarily unavailable"
            ),
            "azure": {},
            "expected_json": case(
                "https://github.com/Azure/AKS/issues/2276",
                "Customize node configuration: add pod-max-pids to avoid PID exhaustion",
                "github-issue",
                "Applications can allocate too many threads, triggering EAGAIN when kubelet/containerd tries to"
                " create new thread with pthread_create. We observe PLEG failures and nodes not ready due to some"
                " offending application.",
                "problem",
                "node-pid-pressure",
                fix=["--kubelet-config", "kubectl delete pod ingest-"],
                reconstructed=["the PLEG message and the pod's event text", "names"],
            ),
        },
        "node-failed-node-image-upgrade-cordoned": {
            "cordoned": True,
            "drain": True,
            "old_version": True,
            "azure": {"pool_state": "Failed"},
            "expected_json": case(
                "https://github.com/Azure/AKS/issues/3439",
                "[BUG] Failed (automated) node-image upgrade leaves node cordoned",
                "github-issue",
                "Due to a restrictive PDB, one nodepool could not upgrade in time, the nodepool went into Failed"
                " state. One of the nodes stayed cordoned.",
                "problem",
                "node-cordoned-by-failed-upgrade",
                fix=[f"kubectl uncordon {LOST}", "aksdoctor upgrade --pool userpool"],
                reconstructed=["the Drain event", "versions", "names"],
            ),
        },
        "node-upgrade-reported-done-node-left-behind": {
            "cordoned": True,
            "old_version": True,
            "azure": {},
            "expected_json": case(
                "https://github.com/Azure/AKS/issues/3558",
                "[BUG] Azure reports an nodepool has been upgraded despite the nodepool upgrade has failed.",
                "github-issue",
                "After a disrupted nodepool upgrade AKS control plane reports node is on latest version while"
                " Kubernetes control plane shows nodes are on previous version.",
                "problem",
                "node-cordoned-by-failed-upgrade",
                fix=[f"kubectl uncordon {LOST}"],
                verbatim_parts=["the pool on the new version, the node on the previous one"],
                reconstructed=["the cordon left on the node", "versions 1.30.10 -> 1.31.5", "names"],
            ),
        },
        "node-unreachable-statefulset-terminating": {
            **SILENT,
            "azure": None,
            "stuck": True,
            "app": "web",
            "claim": "www-web-0",
            "image": "registry.k8s.io/nginx-slim:0.8",
            "namespace": "default",
            "expected_json": case(
                "https://kubernetes.io/docs/tasks/run-application/force-delete-stateful-set-pod/",
                "Force Delete StatefulSet Pods",
                "learn",
                "A Pod is not deleted automatically when a node is unreachable. The Pods running on an unreachable"
                " Node enter the 'Terminating' or 'Unknown' state after a timeout.",
                "problem",
                "kubelet-stopped-posting-status",
                acceptable=["pods-stuck-terminating"],
                fix=["az vmss restart", VMSS],
                reconstructed=["the cluster around the documented behaviour"],
            ),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default="tests/realworld")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    for name, spec in cases().items():
        spec.setdefault("expected", ("", None, [], None))
        write(Path(args.out) / name, spec, shapes)
        print(f"wrote {Path(args.out) / name}")


if __name__ == "__main__":
    main()
