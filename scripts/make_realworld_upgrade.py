"""Write tests/realworld/upgrade-*: upgrade and drain failures reconstructed from public reports.

Each case keeps what its source shows (names, versions, messages, PDB specs, subnet and quota figures) and
fills the rest with the shapes of scripts/make_example_bundles_upgrade.py. Run from the repository root:

    python scripts/make_realworld_upgrade.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_example_bundles_upgrade import pdb, pool, wl, world, write  # the generator beside this script

CNPG_OWNER = {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "name": "cnpg", "uid": "5b1f0c0e-cnpg"}


def cases() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """case -> (world, expected.json)."""
    return {
        "upgrade-consul-connect-injector-max-unavailable-zero": (
            world(
                rg="rg-consul",
                cluster="aks-consul",
                state="Upgrading",
                version=("1.23.8", "1.24.0"),
                pools=[pool("agentpool", "System", 3, "40112233", state="Upgrading", version=("1.23.8", "1.24.0"))],
                workloads=[
                    wl(
                        "consul",
                        "consul-connect-injector",
                        replicas=2,
                        pool="agentpool",
                        nodes=[0, 1],
                        labels={"app": "consul", "component": "connect-injector", "release": "consul"},
                        image="hashicorp/consul-k8s-control-plane:0.47.1",
                    )
                ],
                pdbs=[
                    pdb(
                        "consul",
                        "consul-connect-injector",
                        {"app": "consul", "component": "connect-injector", "release": "consul"},
                        max_unavailable=0,
                    )
                ],
                cordoned=["aks-agentpool-40112233-vmss000000"],
            ),
            expect(
                "https://github.com/hashicorp/consul-k8s/issues/1457",
                "Upgrade for AKS Cluster: Can't drain because Too Many Requests",
                "github-issue",
                "#1278 says that the `spec.maxUnavailable` is `(n/2) - 1` ... the main recommended number of "
                "replicas for `consul-connect-injector` is 2, which means `spec.maxUnavailable` will be 0.",
                "pdb-max-unavailable-zero",
                ["kubectl patch pdb consul-connect-injector -n consul", "maxUnavailable"],
                verbatim=[
                    "PDB name and namespace",
                    "maxUnavailable (n/2)-1 = 0 with 2 replicas",
                    "versions 1.23.8 -> 1.24.0",
                ],
            ),
        ),
        "upgrade-cnpg-primary-min-available": (
            world(
                rg="rg",
                cluster="aks",
                version=("1.29.8", "1.29.8"),
                pools=[
                    pool("agentpool", "System", 2, "18821234", version=("1.29.8", "1.29.8")),
                    pool("userpool", "User", 3, "18827777", version=("1.29.8", "1.29.8")),
                ],
                workloads=[
                    wl(
                        "ns",
                        "cnpg-1",
                        kind="Pod",
                        pool="userpool",
                        nodes=[0],
                        owner=CNPG_OWNER,
                        labels={"cnpg.io/cluster": "cnpg", "cnpg.io/instanceRole": "primary", "role": "primary"},
                        image="ghcr.io/cloudnative-pg/postgresql:16.4",
                    ),
                    wl(
                        "ns",
                        "cnpg-2",
                        kind="Pod",
                        pool="userpool",
                        nodes=[1],
                        owner=CNPG_OWNER,
                        labels={"cnpg.io/cluster": "cnpg", "cnpg.io/instanceRole": "replica", "role": "replica"},
                        image="ghcr.io/cloudnative-pg/postgresql:16.4",
                    ),
                    wl(
                        "ns",
                        "cnpg-3",
                        kind="Pod",
                        pool="userpool",
                        nodes=[2],
                        owner=CNPG_OWNER,
                        labels={"cnpg.io/cluster": "cnpg", "cnpg.io/instanceRole": "replica", "role": "replica"},
                        image="ghcr.io/cloudnative-pg/postgresql:16.4",
                    ),
                ],
                pdbs=[
                    pdb(
                        "ns",
                        "cnpg-primary",
                        {"cnpg.io/cluster": "cnpg", "role": "primary"},
                        min_available=1,
                        owner=CNPG_OWNER,
                    ),
                    pdb(
                        "ns", "cnpg", {"cnpg.io/cluster": "cnpg", "role": "replica"}, min_available=1, owner=CNPG_OWNER
                    ),
                ],
            ),
            expect(
                "https://github.com/Azure/AKS/issues/4860",
                "[BUG] unsatisfiablePDB for AKS clusters with cnpg workloads",
                "github-issue",
                "(UnsatisfiablePDB) Upgrade is blocked due to invalid Pod Disruption Budgets (PDBs). ... "
                "PDB ns/cnpg-primary has minAvailable(1) >= expectedPods(1)  can't proceed with put operation",
                "pdb-min-available-equals-replicas",
                ["pdb cnpg-primary -n ns"],
                acceptable=["pdb-single-replica"],
                verbatim=["PDB ns/cnpg-primary, minAvailable 1, expectedPods 1", "Kubernetes 1.29.8"],
                reconstructed=["CNPG Cluster owner and instance pods", "the replica PDB", "pools and nodes"],
            ),
        ),
        "upgrade-tekton-webhook-single-replica": (
            world(
                rg="rg-ci",
                cluster="aks-ci",
                pools=[pool("nodepool1", "System", 3, "27364512")],
                workloads=[
                    wl(
                        "tekton-pipelines",
                        "tekton-pipelines-webhook",
                        replicas=1,
                        pool="nodepool1",
                        labels={
                            "app.kubernetes.io/component": "webhook",
                            "app.kubernetes.io/instance": "default",
                            "app.kubernetes.io/name": "webhook",
                            "app.kubernetes.io/part-of": "tekton-pipelines",
                        },
                        image="gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/webhook:v0.18.1",
                    ),
                ],
                pdbs=[
                    pdb(
                        "tekton-pipelines",
                        "tekton-pipelines-webhook",
                        {
                            "app.kubernetes.io/component": "webhook",
                            "app.kubernetes.io/instance": "default",
                            "app.kubernetes.io/name": "webhook",
                            "app.kubernetes.io/part-of": "tekton-pipelines",
                        },
                        min_available="80%",
                    ),
                ],
            ),
            expect(
                "https://github.com/tektoncd/pipeline/issues/3759",
                "Pod disruption budget: tekton-pipelines-webhook issue",
                "github-issue",
                "Min available:  80% ... Allowed disruptions:  0  Current: 1  Desired: 1  Total: 1",
                "pdb-single-replica",
                ["kubectl scale deployment/tekton-pipelines-webhook -n tekton-pipelines --replicas=2"],
                acceptable=["pdb-min-available-equals-replicas"],
                verbatim=["PDB name, namespace, selector, minAvailable 80%, one pod"],
            ),
        ),
        "upgrade-knative-activator-pdbs-block-drain": (
            world(
                rg="rg-kubeflow",
                cluster="aks-kubeflow",
                state="Failed",
                version=("1.31.10", "1.32.6"),
                pools=[
                    pool("system", "System", 2, "36202000"),
                    pool(
                        "proddefwork",
                        "User",
                        3,
                        "36202817",
                        state="Failed",
                        version=("1.31.10", "1.32.6"),
                        error={
                            "code": "UpgradeFailed",
                            "message": "Cordoned nodes have used all surge nodes but there are more nodes to be upgraded. "
                            "Please fix your PDBs blocking node drain and kindly retry upgrade operation.Drain node "
                            "aks-proddefwork-36202817-vmss000000 failed when evicting pod activator-575c5f4bc9-2s6bx "
                            "failed with Too Many Requests error. This is often caused by a restrictive Pod Disruption "
                            "Budget (PDB) policy. See http://aka.ms/aks/debugdrainfailures. Original error: Cannot "
                            "evict pod as it would violate the pod's disruption budget.",
                        },
                    ),
                ],
                workloads=[
                    wl(
                        "knative-serving",
                        "activator",
                        replicas=1,
                        pool="proddefwork",
                        nodes=[0],
                        pod_names=["activator-575c5f4bc9-2s6bx"],
                        image="gcr.io/knative-releases/knative.dev/serving/cmd/activator:v1.16.0",
                    ),
                    wl(
                        "knative-serving",
                        "webhook",
                        replicas=1,
                        pool="proddefwork",
                        nodes=[1],
                        image="gcr.io/knative-releases/knative.dev/serving/cmd/webhook:v1.16.0",
                    ),
                    wl(
                        "knative-eventing",
                        "eventing-webhook",
                        replicas=1,
                        pool="proddefwork",
                        nodes=[2],
                        labels={"app": "eventing-webhook"},
                        image="gcr.io/knative-releases/knative.dev/eventing/cmd/webhook:v1.16.0",
                    ),
                    wl(
                        "kubeflow",
                        "istiod",
                        replicas=1,
                        pool="proddefwork",
                        nodes=[1],
                        labels={"app": "istiod"},
                        image="docker.io/istio/pilot:1.24.2",
                    ),
                ],
                pdbs=[
                    pdb("knative-eventing", "eventing-webhook", {"app": "eventing-webhook"}, min_available="80%"),
                    pdb("knative-serving", "activator-pdb", {"app": "activator"}, min_available="80%"),
                    pdb("knative-serving", "webhook-pdb", {"app": "webhook"}, min_available="80%"),
                    pdb("kubeflow", "istiod", {"app": "istiod"}, min_available=1),
                ],
                cordoned=["aks-proddefwork-36202817-vmss000000"],
                command="aksdoctor upgrade --pool proddefwork",
            ),
            expect(
                "https://github.com/canonical/bundle-kubeflow/issues/1339",
                "Pod Disruption Budget (PDB) blocks AKS upgrades",
                "github-issue",
                "Drain node aks-proddefwork-36202817-vmss000000 failed when evicting pod activator-575c5f4bc9-2s6bx "
                "failed with Too Many Requests error. This is often caused by a restrictive Pod Disruption Budget (PDB) policy.",
                "pdb-single-replica",
                ["kubectl scale deployment/activator -n knative-serving --replicas=2"],
                acceptable=["pdb-min-available-equals-replicas"],
                verbatim=["PDB names, namespaces and minAvailable values from `kubectl get pdb -A`", "the drain error"],
                reconstructed=["one replica per workload", "versions", "pool sizes"],
            ),
        ),
        "upgrade-metrics-server-unready-pdb": (
            world(
                rg="rg-private",
                cluster="aks-private",
                state="Failed",
                version=("1.30.5", "1.31.1"),
                pools=[
                    pool(
                        "agentpool",
                        "System",
                        2,
                        "12345678",
                        state="Failed",
                        version=("1.30.5", "1.31.1"),
                        error={
                            "code": "UpgradeFailed",
                            "message": "Drain node aks-agentpool-12345678-vmss000000 failed when evicting pod "
                            "metrics-server-0c40b8d296-ej9un failed with Too Many Requests error. This is often caused by a "
                            "restrictive Pod Disruption Budget (PDB) policy. See http://aka.ms/aks/debugdrainfailures. "
                            "Original error: Cannot evict pod as it would violate the pod's disruption budget.. PDB debug "
                            "info: kube-system/metrics-server-0c40b8d296-ej9un blocked by pdb metrics-server-pdb with 1 "
                            "unready pods: [kube-system/metrics-server-0c40b8d296-ej9un].",
                        },
                    )
                ],
                workloads=[
                    wl(
                        "kube-system",
                        "metrics-server",
                        replicas=2,
                        pool="agentpool",
                        nodes=[0, 1],
                        unready=1,
                        labels={"k8s-app": "metrics-server"},
                        pod_names=["metrics-server-0c40b8d296-ej9un", "metrics-server-0c40b8d296-x7kq2"],
                        image="mcr.microsoft.com/oss/kubernetes/metrics-server:v0.7.2",
                    ),
                ],
                pdbs=[pdb("kube-system", "metrics-server-pdb", {"k8s-app": "metrics-server"}, min_available=1)],
                cordoned=["aks-agentpool-12345678-vmss000000"],
            ),
            expect(
                "https://blog.joeyc.dev/posts/misleading-pdb-error",
                "How Pod Disruption Budget (PDB) error mislead the investigation",
                "blog",
                "PDB debug info: kube-system/metrics-server-0c40b8d296-ej9un blocked by pdb metrics-server-pdb "
                "with 1 unready pods: [kube-system/metrics-server-0c40b8d296-ej9un].",
                "pdb-blocked-by-unhealthy-pods",
                ["metrics-server-pdb", "-n kube-system"],
                verbatim=["node, pod and PDB names", "the UpgradeFailed message", "upgrade to 1.31.1"],
                reconstructed=["the second replica", "minAvailable 1", "readiness probe events"],
            ),
        ),
        "upgrade-insufficient-subnet-preallocated-ips": (
            world(
                rg="elknodepooltestresourcegroup",
                cluster="elknodepooltestk8s",
                version=("1.17.9", "1.17.9"),
                pools=[
                    pool("default", "System", 2, "31100000", max_pods=50, version=("1.17.7", "1.17.7")),
                    pool("internal", "User", 2, "31100001", max_pods=50, version=("1.17.7", "1.17.7")),
                ],
                subnet={"vnet": "elk-vnet", "name": "elk-subnet", "prefix": "10.142.26.0/24", "extra": 0},
                workloads=[
                    wl(
                        "elk",
                        "elasticsearch-client",
                        replicas=2,
                        pool="internal",
                        image="docker.elastic.co/elasticsearch/elasticsearch:7.8.1",
                    )
                ],
                pdbs=[],
                command="aksdoctor upgrade --pool internal",
            ),
            expect(
                "https://github.com/Azure/AKS/issues/1795",
                'nodepool upgrade onto 1.17.9 fails with "Pre-allocated IPs 276 exceeds IPs available 251 in Subnet"',
                "github-issue",
                "'Bad Request'. Details: Pre-allocated IPs 276 exceeds IPs available 251 in Subnet Cidr 10.142.26.0/24",
                "subnet-full",
                ["-n internal"],
                verbatim=[
                    "cluster, resource group and pool names",
                    "subnet 10.142.26.0/24 (251 usable)",
                    "2 pools x 2 nodes",
                ],
                reconstructed=["maxPods 50 (the issue does not say)", "subnet name"],
            ),
        ),
        "upgrade-core-quota-four-vcpus": (
            world(
                rg="myResourceGroup",
                cluster="myAKSCluster",
                location="eastus",
                version=("1.9.11", "1.10.8"),
                pools=[
                    pool(
                        "nodepool1",
                        "System",
                        2,
                        "90112345",
                        vm="Standard_DS2_v2",
                        cores=2,
                        version=("1.9.11", "1.9.11"),
                    )
                ],
                quota={"family": (4, 10), "cores": (4, 4), "standardDSv2Family": (4, 10)},
                workloads=[
                    wl(
                        "default",
                        "azure-vote-front",
                        replicas=1,
                        pool="nodepool1",
                        image="microsoft/azure-vote-front:v1",
                    )
                ],
                pdbs=[],
            ),
            expect(
                "https://github.com/MicrosoftDocs/azure-docs/issues/19007",
                "Upgrade fails when the maximum allowed number of cores is 4",
                "github-issue",
                "Operation results in exceeding quota limits of Core. Maximum allowed: 4, Current in use: 4, Additional requested: 2",
                "vm-quota-exceeded",
                ["az quota update --resource-name cores", "value=6"],
                verbatim=["quota 4, 4 in use, 2 more requested", "versions 1.9.11 -> 1.10.8"],
                reconstructed=[
                    "two Standard_DS2_v2 nodes (2 vCPUs each, as the figures imply)",
                    "names from the tutorial",
                ],
            ),
        ),
        "upgrade-another-operation-in-progress": (
            world(
                rg="aramase-e2e",
                cluster="azwi-e2e",
                state="Updating",
                version=("1.22.6", "1.22.6"),
                pools=[pool("nodepool1", "System", 3, "27911201", state="Updating", version=("1.22.6", "1.23.5"))],
                workloads=[
                    wl(
                        "azure-workload-identity-system",
                        "azure-wi-webhook-controller-manager",
                        replicas=2,
                        pool="nodepool1",
                        image="mcr.microsoft.com/oss/azure/workload-identity/webhook:v0.10.0",
                    )
                ],
                pdbs=[
                    pdb(
                        "azure-workload-identity-system",
                        "azure-wi-webhook-controller-manager",
                        {"app": "azure-wi-webhook-controller-manager"},
                        min_available=1,
                    )
                ],
                cordoned=["aks-nodepool1-27911201-vmss000000"],
                extra_nodes=[("nodepool1", 3)],
            ),
            expect(
                "https://github.com/Azure/azure-workload-identity/issues/417",
                "[e2e] AKS cluster upgrade fails with `OperationNotAllowed`",
                "github-issue",
                "(OperationNotAllowed) Operation is not allowed: Another operation (nodepool1 - Updating) is in "
                "progress, please wait for it to finish before starting a new operation.",
                "upgrade-in-progress",
                ["az aks show -g aramase-e2e -n azwi-e2e --query provisioningState"],
                verbatim=["pool nodepool1 in Updating"],
                reconstructed=["cluster and resource group names", "versions", "the surge node"],
            ),
        ),
        "upgrade-dashboard-local-storage": (
            world(
                azure=False,
                pools=[pool("worker", "User", 1, "0", node_names=["terom-pharos-worker1"])],
                workloads=[
                    wl(
                        "kube-system",
                        "kubernetes-dashboard",
                        replicas=1,
                        pool="worker",
                        nodes=[0],
                        empty_dir=True,
                        pod_names=["kubernetes-dashboard-598d75cb96-2nnql"],
                        labels={"k8s-app": "kubernetes-dashboard"},
                        image="k8s.gcr.io/kubernetes-dashboard-amd64:v1.8.3",
                    )
                ],
                pdbs=[],
                cordoned=["terom-pharos-worker1"],
            ),
            expect(
                "https://github.com/kontena/pharos-host-upgrades/issues/26",
                "Drain fails for pods with local storage",
                "github-issue",
                "error: pods with local storage (use --delete-local-data to override): kubernetes-dashboard-598d75cb96-2nnql",
                "pod-with-local-storage",
                ["kubectl drain terom-pharos-worker1", "--delete-emptydir-data"],
                verbatim=["node and pod names", "the kubectl drain refusal"],
                reconstructed=["the dashboard's emptyDir volume", "no Azure (not an AKS cluster)"],
            ),
        ),
        "upgrade-hello-k8s-no-controller": (
            world(
                azure=False,
                pools=[pool("minikube", "User", 2, "0", node_names=["minikube", "minikube-m02"])],
                workloads=[
                    wl(
                        "default",
                        "hello-k8s",
                        kind="Pod",
                        pool="minikube",
                        nodes=[1],
                        labels={"run": "hello-k8s"},
                        image="paulbouwer/hello-kubernetes:1.10",
                    )
                ],
                pdbs=[],
                cordoned=["minikube-m02"],
            ),
            expect(
                "https://github.com/derailed/k9s/issues/1788",
                "Draining nodes cannot be forced",
                "github-issue",
                "cannot delete Pods declare no controller (use --force to override): default/hello-k8s",
                "pod-not-managed-by-controller",
                ["kubectl drain minikube-m02", "--force"],
                verbatim=["node and pod names", "kubectl run with a nodeName override (no controller)"],
                reconstructed=["the node objects"],
            ),
        ),
        "upgrade-deprecated-flowcontrol-api": (
            world(
                version=("1.25.6", "1.25.6"),
                pools=[pool("nodepool1", "System", 3, "24817365", version=("1.25.6", "1.25.6"))],
                cluster_error={
                    "code": "ValidationError",
                    "subcode": "UpgradeBlockedOnDeprecatedAPIUsage",
                    "message": "Control Plane upgrade is blocked due to recent usage of a Kubernetes API deprecated "
                    "in the specified version. Please refer to https://kubernetes.io/docs/reference/using-api/"
                    "deprecation-guide to migrate the usage. To bypass this error, set enable-force-upgrade in "
                    "upgradeSettings.overrideSettings. Bypassing this error without migrating usage will result in "
                    "the deprecated Kubernetes API calls failing. Usage details: 1 error occurred:\n\t* usage has "
                    "been detected on API flowcontrol.apiserver.k8s.io.prioritylevelconfigurations.v1beta1, and was "
                    "recently seen at: 2023-03-23 20:57:18 +0000 UTC, which will be removed in 1.26\n\n",
                },
                workloads=[wl("shop", "web", replicas=3, pool="nodepool1")],
                pdbs=[],
            ),
            expect(
                "https://learn.microsoft.com/azure/aks/stop-cluster-upgrade-api-breaking-changes",
                "Stop Azure Kubernetes Service (AKS) cluster upgrades automatically on API breaking changes",
                "learn",
                "usage has been detected on API flowcontrol.apiserver.k8s.io.prioritylevelconfigurations.v1beta1, "
                "and was recently seen at: 2023-03-23 20:57:18 +0000 UTC, which will be removed in 1.26",
                "deprecated-api-in-use",
                ["--enable-force-upgrade"],
                verbatim=["the ValidationError body (code, subcode, message)"],
                reconstructed=["the error placed in the cluster's status.provisioningError", "cluster names"],
            ),
        ),
        "upgrade-vmsscse-exit-status-34": (
            world(
                state="Failed",
                pools=[
                    pool("nodepool1", "System", 2, "31718369"),
                    pool(
                        "gpupool",
                        "User",
                        2,
                        "55120987",
                        vm="Standard_NC24rs_v3",
                        cores=24,
                        state="Failed",
                        version=("1.29.7", "1.29.7"),
                        error={
                            "code": "VMExtensionProvisioningError",
                            "message": "VM has reported a failure when processing extension 'vmssCSE' (publisher "
                            "'Microsoft.Azure.Extensions' and type 'CustomScript'). Error message: 'Enable failed: "
                            "failed to execute command: command terminated with exit status=34 [stdout] { "
                            '"ExitCode": "34", "Output": "53403]: primaryNicIP is unset, exiting...',
                        },
                    ),
                ],
                quota={"family": (20, 100), "cores": (68, 350)},
                workloads=[wl("ml", "trainer", replicas=2, pool="gpupool")],
                pdbs=[],
                command="aksdoctor upgrade --pool gpupool",
            ),
            expect(
                "https://github.com/Azure/AKS/issues/4584",
                "vmssCSE extension failing",
                "github-issue",
                "VM has reported a failure when processing extension 'vmssCSE' ... command terminated with exit "
                "status=34 ... primaryNicIP is unset, exiting...",
                "agentpool-operation-failed",
                ["gpupool"],
                verbatim=["the vmssCSE error text", "VM size Standard_NC24rs_v3"],
                reconstructed=["pool and cluster names", "the error placed in the pool's status.provisioningError"],
            ),
        ),
    }


def expect(
    url: str,
    title: str,
    kind: str,
    verbatim_text: str,
    cause: str,
    must: list[str],
    *,
    acceptable: list[str] | None = None,
    verbatim: list[str] | None = None,
    reconstructed: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "runbook": "upgrade",
        "source": {"url": url, "title": title, "kind": kind},
        "verbatim": verbatim_text,
        "expected": {"status": "problem", "cause": cause, "acceptable": acceptable or []},
        "fix_must_name": must,
        "fidelity": {"verbatim": verbatim or [], "reconstructed": reconstructed or ["the other objects"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--out", default="tests/realworld")
    args = parser.parse_args()
    shapes = Path(args.shared) / "azure-arm-examples"
    for case, (spec, expected) in cases().items():
        folder = Path(args.out) / case
        write(folder, spec, shapes)
        (folder / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {folder}")


if __name__ == "__main__":
    main()
