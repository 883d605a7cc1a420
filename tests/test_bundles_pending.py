"""pending examples beyond their verdict (tests/test_examples.py judges every bundle's expected.json): the fit
figures, pools, autoscaler and quota evidence, stale messages, skips and reports."""

from __future__ import annotations

import json

from conftest import EXAMPLES, example

POD = "checkout-6c5f9d7b8-q7k2p"
AZ = "-g rg-shop-prod --cluster-name aks-prod"


def pod_of(case: str) -> str:
    return (EXAMPLES / case / "COMMAND").read_text().split()[2]


def run(cli, case: str, *args: str) -> tuple[int, dict]:
    result = cli("pending", pod_of(case), "-n", "shop", "--bundle", str(example(case)), "-o", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_capacity_verdicts_are_verified_against_the_nodes(cli):
    _code, report = run(cli, "pending-insufficient-cpu")
    facts = [e["fact"] for e in report["evidence"]]
    assert "the pod requests 1 CPU, 1Gi memory" in facts
    assert "5 nodes checked: 3 cpu, 2 taint" in facts
    assert any(f.startswith("cpu: aks-userpool-24817365-vmss000000 (650m CPU free of 3.86, needs 1)") for f in facts)
    assert any(f.startswith("scheduler: 0/5 nodes are available: 2 node(s) had untolerated taint") for f in facts)
    assert report["causes"][0]["summary"].endswith("the most free is 650m on aks-userpool-24817365-vmss000000.")
    cpu = [g for g in report["gauges"] if g["group"] == "cpu"]
    assert [(g["label"], g["value"], g["limit"]) for g in cpu] == [
        (f"aks-userpool-24817365-vmss00000{i} cpu requests", 3.21, 3.86) for i in range(3)
    ]


def test_without_azure_the_skipped_pool_check_says_how_to_get_it(cli):
    _code, report = run(cli, "pending-insufficient-cpu")
    [skipped] = report["skipped"]
    assert skipped["probe"] == "capacity.scale_out"
    assert skipped["reason"].startswith("could not read the AKS managed cluster: no Azure source in this run")
    assert "Azure access" in skipped["grant"]


def test_inconclusive_says_what_is_missing_and_why_more_nodes_cannot_help(cli):
    code, report = run(cli, "pending-no-azure-inconclusive")
    assert code == 3
    assert [s["probe"] for s in report["skipped"]] == ["capacity.scale_out"]
    assert [(s["probe"], s["outcome"]) for s in report["trace"]][-2:] == [
        ("scheduling.node_fit", "too-large"),
        ("capacity.scale_out", "unknown"),
    ]
    assert any("more nodes of the same size cannot help" in n for n in report["notes"])


def test_a_stale_message_is_named_and_the_objects_decide(cli):
    _code, report = run(cli, "pending-stale-event")
    assert report["causes"][0]["id"] == "insufficient-cpu"
    facts = [e["fact"] for e in report["evidence"]]
    assert any("3 node(s) had untolerated taint {node.kubernetes.io/not-ready: }" in f for f in facts)
    assert report["notes"] == [
        "the scheduler's last message (2026-11-21T09:31:47Z) does not name what blocks the pod now (no node shows "
        "node(s) had untolerated taint {node.kubernetes.io/not-ready: } now): the nodes show cpu; the message is "
        "older than the cluster's state, the verdict follows the objects"
    ]


def test_fresh_messages_raise_no_stale_note(cli):
    for case in ("pending-insufficient-cpu", "pending-nodes-not-ready", "pending-volume-zone-conflict"):
        _code, report = run(cli, case)
        assert not any("older than the cluster's state" in n for n in report["notes"]), case


def test_pools_autoscaler_and_quota_are_shown(cli):
    _code, report = run(cli, "pending-autoscaler-max-reached")
    facts = [e["fact"] for e in report["causes"][0]["evidence"]]
    assert (
        "pool userpool: Standard_D4ds_v5, 3 nodes, autoscaler on (min 1, max 3); a new node offers 3.65 CPU, 13.2Gi "
        "(as node aks-userpool-24817365-vmss000000)"
    ) in facts
    assert (
        "cluster-autoscaler: pod didn't trigger scale-up: 1 max node group size reached, 1 node(s) had untolerated "
        "taint {CriticalAddonsOnly: true}"
    ) in facts
    assert "autoscaler group aks-userpool-24817365-vmss: target 3 (min 1, max 3), scale-up NoActivity" in facts
    _code, quota = run(cli, "pending-vm-quota-exceeded")
    assert (
        "Standard DDSv5 Family vCPUs in westeurope: 20 of 20 vCPUs used, 0 free; 1 more Standard_D4ds_v5 node(s) need 4"
    ) in [e["fact"] for e in quota["causes"][0]["evidence"]]


def test_scale_up_in_progress_names_the_scale_set_and_sizes(cli):
    _code, report = run(cli, "pending-scale-up-in-progress")
    cause = report["causes"][0]
    assert "(aks-userpool-24817365-vmss 3->4 (max 5))" in cause["summary"]
    assert any(
        e["fact"] == "cluster-autoscaler: pod triggered scale-up: aks-userpool-24817365-vmss 3->4 (max: 5)"
        for e in cause["evidence"]
    )


def test_request_exceeds_node_size_names_the_size_that_fits(cli):
    _code, report = run(cli, "pending-request-exceeds-node-size")
    assert report["causes"][0]["summary"].endswith("The smallest VM size that holds the pod is Standard_D8ds_v5.")


def test_pvc_unbound_shows_the_claims_own_event(cli):
    _code, report = run(cli, "pending-pvc-unbound")
    facts = [(e["fact"], e["source"]) for e in report["causes"][0]["evidence"]]
    assert (
        'claim data-orders-db-0 is Pending: storage class "managed-premium-zrs" does not exist',
        "PersistentVolumeClaim shop/data-orders-db-0",
    ) in facts
    assert any(f == 'ProvisioningFailed: storageclass.storage.k8s.io "managed-premium-zrs" not found' for f, _ in facts)


def test_keyvault_mount_keeps_the_drivers_message_as_evidence(cli):
    _code, report = run(cli, "pending-volume-mount-keyvault")
    cause = report["causes"][0]
    assert cause["evidence"][-1]["fact"] == (
        "the Key Vault side answered: failed to get objectType:secret, objectName:db-password: Status=403 "
        'Code="Forbidden" Message="Public network '
        'access is disabled and request is not from a trusted service nor via an approved private link." '
        'InnerError={"code":"ForbiddenByConnection"}'
    )
    assert any("keyvault runbook" in n for n in report["notes"])


def test_markdown_and_text_reports(cli):
    md = cli("pending", POD, "--bundle", str(example("pending-autoscaler-max-reached")), "-o", "markdown").stdout
    assert md.startswith(f"## aksdoctor pending: Pod shop/{POD}")
    assert "**Problem found**: Pool userpool is at its autoscaler maximum of 3 nodes (`autoscaler-max-reached`)" in md
    assert f"```sh\naz aks nodepool update {AZ} -n userpool --update-cluster-autoscaler" in md
    text = cli("pending", POD, "--bundle", str(example("pending-untolerated-taint"))).stdout
    assert text.startswith(f"PROBLEM  pending · Pod shop/{POD}")
    assert "Every node the pod could use has taint dedicated=batch:NoSchedule" in text
    assert "\x1b[" not in text


def test_namespace_is_found_in_a_bundle_and_unknown_pods_get_suggestions(cli):
    result = cli("pending", POD, "--bundle", str(example("pending-healthy")), "-o", "json")
    assert json.loads(result.stdout)["target"] == {"kind": "Pod", "namespace": "shop", "name": POD}
    wrong = cli("pending", "checkout-6c5f9d7b8-q7k2x", "-n", "shop", "--bundle", str(example("pending-healthy")))
    assert wrong.exit_code == 2 and f"did you mean: {POD}" in wrong.stderr


def test_a_quota_failure_outranks_the_anti_affinity_the_walk_reached(cli, tmp_path):
    """The pod needs a node of its own (anti-affinity) and the autoscaler's scale-up for it failed on quota: the
    quota is why no node comes, so it ranks first and the anti-affinity is kept as 'also seen'."""
    import shutil

    import yaml

    bundle = tmp_path / "bundle"
    shutil.copytree(
        example("pending-pod-anti-affinity-unsatisfiable"), bundle, ignore=shutil.ignore_patterns("expected.json")
    )
    error = (
        'Code="QuotaExceeded" Message="Operation could not be completed as it results in exceeding approved '
        "standardDDSv5Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, "
        'Current Limit: 20, Current Usage: 20, Additional Required: 4, (Minimum) New Limit Required: 24."'
    )
    status = {
        "nodeGroups": [
            {
                "name": "aks-userpool-24817365-vmss",
                "health": {"cloudProviderTarget": 3, "minSize": 1, "maxSize": 6},
                "scaleUp": {"status": "Backoff", "backoffInfo": {"errorCode": "QuotaExceeded", "errorMessage": error}},
            }
        ]
    }
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "cluster-autoscaler-status",
            "namespace": "kube-system",
            "uid": "c0a8f1e2-0000-4000-8000-000000000001",
        },
        "data": {"status": yaml.safe_dump(status)},
    }
    (bundle / "kubernetes" / "configmaps.yaml").write_text(
        yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [configmap]}), encoding="utf-8"
    )
    result = cli("pending", "cache-7b6d5f8c9-m4t7z", "-n", "shop", "--bundle", str(bundle), "-o", "json")
    report = json.loads(result.stdout)
    assert [c["id"] for c in report["causes"]] == ["vm-quota-exceeded"]
    assert "--resource-name standardDDSv5Family" in report["causes"][0]["fix"][0]["command"]
    assert "value=24" in report["causes"][0]["fix"][0]["command"]
    assert any(
        n.startswith("also seen: No node satisfies the pod's required pod anti-affinity") for n in report["notes"]
    )
    assert report["trace"][-1]["probe"] == "capacity.scale_out" and report["trace"][-1]["outcome"] == "quota"


def test_a_gpu_pool_whose_nodes_advertise_no_gpu_is_not_scale_up_in_progress(cli):
    # Azure/AKS#4418: Spot Standard_NC6s_v3 nodes without nvidia.com/gpu; the autoscaler has room, but a new node
    # would advertise no GPU either: inconclusive, and the note names the device plugin, not another VM size
    from corpus import REALWORLD, run

    _code, report, _ = run(cli, REALWORLD / "pending-aks4418-spot-gpu-nodes-without-gpu-capacity")
    assert report["status"] == "inconclusive" and not report["causes"]
    text = json.dumps(report)
    assert "NVIDIA device plugin DaemonSet (or the GPU operator) is not running" in text and "pool gpuspot" in text


def test_a_gpu_pod_where_the_region_lists_no_gpu_size_gets_the_listing_not_a_placeholder_pool(cli):
    # rancher/rancher#33885: the sizes westus offers the subscription include no N-series. No size is suggested,
    # so the summary must say why (not "<suggested_vm_size>") and the fix must not be `nodepool add` of no size
    from corpus import REALWORLD, run

    _code, report, _ = run(cli, REALWORLD / "pending-rancher33885-no-gpu-size-for-the-subscription")
    (cause,) = report["causes"]
    assert cause["id"] == "request-exceeds-node-size"
    assert "<" not in cause["summary"] and "49 VM sizes listed for this subscription in westus" in cause["summary"]
    commands = [f["command"] for f in cause["fix"]]
    assert commands == ["az vm list-skus --location westus --size Standard_N --all --output table"]
    notes = " ".join(report["notes"])
    assert "no node is of a GPU VM size: Standard_D16s_v3" in notes and "device plugin" not in notes


def test_a_gpu_pod_on_a_cpu_only_cluster_is_not_told_about_the_device_plugin(cli):
    # Azure/MachineLearningNotebooks#487: Standard_D3_v2 nodes only; the device plugin is beside the point there,
    # while a GPU-size node without it (carverauto/threadr#68) still gets the device-plugin remark
    from corpus import REALWORLD, run

    _code, report, _ = run(cli, REALWORLD / "pending-mln487-gpu-model-on-cpu-only-cluster")
    notes = " ".join(report["notes"])
    assert "no node is of a GPU VM size: Standard_D3_v2" in notes and "device plugin" not in notes
    _code, report, _ = run(cli, REALWORLD / "pending-threadr68-gpu-node-without-device-plugin")
    assert "nodes of GPU size Standard_NC4as_T4_v3 need the NVIDIA device plugin" in " ".join(report["notes"])


def test_a_backoff_without_a_message_reads_the_pools_subnet(cli, tmp_path):
    # Azure/AKS#2665 as resolved by its author: the /26 cannot take the 31 addresses of a new Azure CNI node, so
    # the backoff is subnet-full; the same backoff on a subnet with room stays the scheduler's proven blocker
    import shutil

    from corpus import REALWORLD, run

    case = REALWORLD / "pending-aks2665-backoff-subnet-cannot-hold-a-node"
    _code, report, _ = run(cli, case)
    (cause,) = report["causes"]
    assert cause["id"] == "subnet-full" and "19 free" in cause["summary"] and "31 addresses" in cause["summary"]

    roomy = tmp_path / "roomy"
    shutil.copytree(case, roomy)
    arm = roomy / "azure" / "arm.jsonl"
    arm.write_text(arm.read_text().replace('"addressPrefix":"10.240.0.0/26"', '"addressPrefix":"10.240.0.0/24"'))
    _code, report, _ = run(cli, roomy)
    assert [c["id"] for c in report["causes"]] == ["too-many-pods"]
    assert any("40 of 251 addresses in use, 211 free" in n for n in report["notes"])


def test_a_full_pool_whose_quota_is_used_up_asks_for_the_quota_first(cli, tmp_path):
    # Azure/AKS#542: scaling the manual pool by hand fails on the regional core quota (10 of 10 used): the quota is
    # the binding constraint, its request the first fix, the pool's own action after it; at the autoscaler's
    # maximum the same holds for raising --max-count
    import shutil

    from corpus import REALWORLD, run

    case = REALWORLD / "pending-aks542-manual-pool-full-and-core-quota-used"
    _code, report = run(cli, case)[:2]
    (cause,) = report["causes"]
    commands = [f["command"] for f in cause["fix"]]
    assert cause["id"] == "vm-quota-exceeded"
    assert commands[0].startswith("az quota update --resource-name cores") and "value=12" in commands[0]
    assert commands[1] == "az aks nodepool scale -g rg-shop-prod --cluster-name aks-prod -n nodepool1 --node-count 6"
    assert "pool nodepool1 also does not autoscale (5 nodes)" in report["notes"]

    at_max = tmp_path / "at-max"
    shutil.copytree(case, at_max)
    arm = at_max / "azure" / "arm.jsonl"
    arm.write_text(arm.read_text().replace('"enableAutoScaling":false', '"enableAutoScaling":true,"minCount":1,"maxCount":5'))
    _code, report = run(cli, at_max)[:2]
    commands = [f["command"] for f in report["causes"][0]["fix"]]
    assert report["causes"][0]["id"] == "vm-quota-exceeded" and commands[0].startswith("az quota update")
    assert "--update-cluster-autoscaler --min-count 1 --max-count 6" in commands[1]


def test_a_pool_whose_autoscaler_is_on_is_not_scaled_by_hand(cli):
    # MicrosoftLearning/AZ-104#417: `az aks nodepool scale` of an autoscaling pool answers "Cannot scale cluster
    # autoscaler enabled node pool", and --enable-cluster-autoscaler on it fails too: with the managed cluster read,
    # the fix moves the autoscaler's bounds; without Azure the pool's autoscaler is unknown and the scale stays
    from corpus import REALWORLD, run

    case = REALWORLD / "pending-az104lab417-scale-of-an-autoscaling-pool"
    _code, report, _ = run(cli, case)
    commands = [f["command"] for f in report["causes"][0]["fix"]]
    assert report["causes"][0]["id"] == "insufficient-cpu"
    assert not [c for c in commands if c.startswith("az aks nodepool scale") or "--enable-cluster-autoscaler" in c]
    assert ("az aks nodepool update -g rg-shop-prod --cluster-name aks-prod -n agentpool --update-cluster-autoscaler "
            "--min-count 2 --max-count 3") in commands
    _code, report, _ = run(cli, case, "--no-azure")
    assert any(c["command"].startswith("az aks nodepool scale") for c in report["causes"][0]["fix"])


def test_a_pod_asking_more_gpus_than_any_listed_size_has_is_told_the_most_there_is(cli, tmp_path):
    # the region lists GPU sizes, but none with 8 GPUs: no size is suggested, and the summary names the largest
    import shutil

    from corpus import REALWORLD, run

    bundle = tmp_path / "eight"
    shutil.copytree(REALWORLD / "pending-mln487-gpu-model-on-cpu-only-cluster", bundle)
    pods = bundle / "kubernetes" / "pods.yaml"
    pods.write_text(pods.read_text().replace("nvidia.com/gpu: '1'", "nvidia.com/gpu: '8'"))
    _code, report, _ = run(cli, bundle)
    (cause,) = report["causes"]
    assert cause["id"] == "request-exceeds-node-size" and "<" not in cause["summary"]
    assert "offers 8 nvidia.com/gpu: the most is 1 (" in cause["summary"]
    assert [f["command"].split(" --")[0] for f in cause["fix"]] == ["az vm list-skus"]
