"""capacity: AKS reservations, what a new node of a pool offers, the autoscaler's status, and VM size advice."""

from __future__ import annotations

import pytest

from aksdoctor.probes.capacity import (
    ScaleFailure,
    Signals,
    _failure_outcome,
    _pool,
    _quota_from_message,
    aks_allocatable,
    gpu_count,
    kube_reserved_cpu,
    kube_reserved_memory,
    parse_status,
    pool_template,
    suggest_vm_size,
    vmss_pool,
)
from aksdoctor.probes.scheduler_messages import parse_no_scale_up, parse_scale_up
from aksdoctor.probes.scheduling import ClusterView, NodeState, Resources

MIB = 2**20
GIB = 2**30
MB = 10**6


@pytest.mark.parametrize(
    ("cores", "reserved"),
    [(1, 60), (2, 100), (4, 140), (8, 180), (16, 260), (32, 420), (64, 740), (12, 220), (96, 1060)],
)
def test_kube_reserved_cpu_follows_the_aks_table(cores, reserved):
    # learn.microsoft.com/azure/aks/node-resource-reservations: 1:60 2:100 4:140 8:180 16:260 32:420 64:740,
    # linear between the points and beyond the last one
    assert kube_reserved_cpu(cores) == pytest.approx(reserved)


def test_memory_reservation_1_29_and_later_matches_the_documented_examples():
    # "8 GB, up to 30 pods: 20 MB * 30 + 50 MB = 650 MB"; "4 GB, 70 pods: 25% * 4 GB = 1000 MB < 1450 MB"
    assert kube_reserved_memory(8 * GIB, 30, version="1.31.5") == (650 * MIB, 100 * MIB)
    assert kube_reserved_memory(4 * GIB, 70, version="1.29.0") == (GIB, 100 * MIB)


def test_memory_reservation_before_1_29_is_regressive():
    # 25% of the first 4 GB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above 128 GB
    reserved, eviction = kube_reserved_memory(16 * GIB, 110, version="1.28.9")
    assert reserved == int(0.25 * 4 * GIB + 0.20 * 4 * GIB + 0.10 * 8 * GIB)
    assert eviction == 750 * MIB
    big, _ = kube_reserved_memory(256 * GIB, 110, version="v1.27.3")
    assert big == int(0.25 * 4 * GIB + 0.2 * 4 * GIB + 0.1 * 8 * GIB + 0.06 * 112 * GIB + 0.02 * 128 * GIB)


def test_allocatable_of_a_standard_d4ds_v5_node():
    alloc = aks_allocatable(4, 16384 * MIB, 110, version="1.31.5")
    assert alloc.cpu == 3860  # what a real node reports (status.allocatable.cpu 3860m)
    assert alloc.memory == (16384 - 2250 - 100) * MIB
    assert alloc.pods == 110
    windows = aks_allocatable(4, 16384 * MIB, 30, os_type="Windows", version="1.31.5")
    assert windows.memory == (16384 - 650 - 100 - 2048) * MIB


SIZES = [
    {"name": "Standard_D2ds_v5", "numberOfCores": 2, "memoryInMB": 8192},
    {"name": "Standard_D4ds_v5", "numberOfCores": 4, "memoryInMB": 16384},
    {"name": "Standard_D8ds_v5", "numberOfCores": 8, "memoryInMB": 32768},
    {"name": "Standard_D16ds_v5", "numberOfCores": 16, "memoryInMB": 65536},
    {"name": "Standard_E8ds_v5", "numberOfCores": 8, "memoryInMB": 65536},
    {"name": "Standard_E8-4ds_v5", "numberOfCores": 4, "memoryInMB": 65536},
    {"name": "Standard_F72s_v2", "numberOfCores": 72, "memoryInMB": 147456},
]


@pytest.mark.parametrize(
    ("cpu", "memory", "expected"),
    [
        (6000, 8 * GIB, "Standard_D8ds_v5"),  # the same series first
        (3000, 40 * GIB, "Standard_D16ds_v5"),  # memory decides
        (20000, 8 * GIB, "Standard_F72s_v2"),  # no Ddsv5 holds it: the smallest of any series
        (100000, GIB, ""),
    ],
)
def test_the_smallest_vm_size_that_holds_the_pod(cpu, memory, expected):
    ds = Resources(cpu=210, memory=170 * MIB, pods=4)
    got = suggest_vm_size(
        Resources(cpu, memory), SIZES, current="Standard_D4ds_v5", daemonsets=ds, max_pods=110, version="1.31"
    )
    assert got == expected


def node_state(name: str, pool: str, *, cpu: float = 3860, ready: bool = True) -> NodeState:
    alloc = Resources(cpu, 13 * GIB, 110)
    return NodeState(
        name=name,
        obj={"status": {"capacity": {"cpu": "4"}}},
        labels={"kubernetes.azure.com/agentpool": pool, "custom": "x"},
        taints=[{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}],
        ready=ready,
        cordoned=False,
        pool=pool,
        allocatable=alloc,
        requested=Resources(),
        daemonsets=Resources(210, 170 * MIB, 4),
    )


def test_a_pool_with_nodes_is_modelled_on_its_node_without_state_taints():
    pool = _pool({"name": "userpool", "count": 3, "vmSize": "Standard_D4ds_v5", "mode": "User"})
    view = ClusterView([node_state("aks-userpool-1-vmss000000", "userpool")], [], [])
    template = pool_template(pool, view, None, "1.31")
    assert template.labels["custom"] == "x" and template.taints == []
    assert template.room.cpu == 3650 and template.vcpus == 4
    assert template.source == "as node aks-userpool-1-vmss000000"


def test_a_pool_scaled_to_zero_is_estimated_from_its_vm_size_and_profile():
    pool = _pool(
        {
            "name": "gpu",
            "count": 0,
            "vmSize": "Standard_D8ds_v5",
            "mode": "User",
            "enableAutoScaling": True,
            "minCount": 0,
            "maxCount": 4,
            "nodeLabels": {"workload": "ml"},
            "nodeTaints": ["sku=gpu:NoSchedule"],
            "scaleSetPriority": "Spot",
        }
    )
    view = ClusterView([node_state("aks-userpool-1-vmss000000", "userpool")], [], [])
    template = pool_template(pool, view, SIZES, "1.31")
    assert template.source == "estimated from Standard_D8ds_v5"
    assert template.labels["workload"] == "ml" and template.labels["kubernetes.azure.com/agentpool"] == "gpu"
    assert template.labels["kubernetes.azure.com/scalesetpriority"] == "spot"
    assert {t["key"] for t in template.taints} == {"sku", "kubernetes.azure.com/scalesetpriority"}
    assert template.allocatable.cpu == 7820 and template.room.cpu == 7610
    pod = {"spec": {"nodeSelector": {"workload": "ml"}, "tolerations": [{"operator": "Exists"}]}}
    assert template.hosts(pod) and template.fits(Resources(7000, 8 * GIB, 1))
    assert not template.hosts({"spec": {"nodeSelector": {"workload": "ml"}}})
    assert template.why_not({"spec": {"nodeSelector": {"workload": "ml"}}}) == "taint sku=gpu:NoSchedule not tolerated"


YAML_STATUS = """\
time: 2026-11-21 09:58:04.112618903 +0000 UTC
autoscalerStatus: Running
clusterWide:
  health: {status: Healthy}
  scaleUp: {status: InProgress}
nodeGroups:
- name: aks-userpool-24817365-vmss
  health:
    status: Healthy
    nodeCounts:
      registered: {total: 3, ready: 3, notStarted: 0}
    cloudProviderTarget: 4
    minSize: 1
    maxSize: 5
  scaleUp:
    status: InProgress
- name: aks-spot-11223344-vmss
  health: {status: Healthy, cloudProviderTarget: 2, minSize: 0, maxSize: 10}
  scaleUp:
    status: Backoff
    backoffInfo:
      errorCode: cloudProviderError
      errorMessage: "Code=\\"SubnetIsFull\\" Message=\\"Subnet snet-aks with address prefix 10.224.0.0/24 doesn't have enough capacity for IP addresses.\\""
"""

TEXT_STATUS = """\
Cluster-autoscaler status at 2021-04-05 08:39:11.702759465 +0000 UTC:
Cluster-wide:
  Health:      Healthy (ready=3 unready=0 notStarted=0 longNotStarted=0 registered=3 longUnregistered=0)
  ScaleUp:     InProgress (ready=3 registered=3)

NodeGroups:
  Name:        aks-nodepool1-31718369-vmss
  Health:      Healthy (ready=1 unready=0 notStarted=0 longNotStarted=0 registered=1 longUnregistered=0 cloudProviderTarget=3 (minSize=1, maxSize=3))
               LastProbeTime:      2021-04-05 08:39:11.702759465 +0000 UTC m=+442.899414715
               LastTransitionTime: 2021-04-05 08:32:31.664863279 +0000 UTC m=+42.861518513
  ScaleUp:     InProgress (ready=1 cloudProviderTarget=3)
               LastProbeTime:      2021-04-05 08:39:11.702759465 +0000 UTC m=+442.899414715
  ScaleDown:   NoCandidates (candidates=0)

  Name:        aks-userpool-24817365-vmss
  Health:      Healthy (ready=3 unready=0 notStarted=0 longNotStarted=0 registered=3 longUnregistered=0 cloudProviderTarget=3 (minSize=2, maxSize=10))
  ScaleUp:     NoActivity (ready=3 cloudProviderTarget=3)
"""


def test_the_status_configmap_in_yaml():
    groups = parse_status(YAML_STATUS)
    user = groups["aks-userpool-24817365-vmss"]
    assert (user.target, user.min_size, user.max_size, user.scale_up, user.pool) == (4, 1, 5, "InProgress", "userpool")
    spot = groups["aks-spot-11223344-vmss"]
    assert spot.scale_up == "Backoff" and "SubnetIsFull" in spot.backoff and spot.pool == "spot"


def test_the_status_configmap_in_the_older_text_format():
    groups = parse_status(TEXT_STATUS)
    assert [(g.name, g.target, g.min_size, g.max_size, g.scale_up) for g in groups.values()] == [
        ("aks-nodepool1-31718369-vmss", 3, 1, 3, "InProgress"),
        ("aks-userpool-24817365-vmss", 3, 2, 10, "NoActivity"),
    ]
    assert parse_status("") == {} and parse_status("garbage: [") == {}


@pytest.mark.parametrize(
    ("group", "pool"),
    [("aks-nodepool1-31718369-vmss", "nodepool1"), ("aks-gpunp-98036146-vmss", "gpunp"), ("mig-a", "")],
)
def test_node_groups_are_scale_sets_of_pools(group, pool):
    assert vmss_pool(group) == pool


def test_figures_of_an_azure_quota_error():
    got = _quota_from_message(
        "Code: QuotaExceeded Message: Operation could not be completed as it results in exceeding approved "
        "standardDSv3Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, "
        "Current Limit: 1500, Current Usage: 1500, Additional Required: 16, (Minimum) New Limit Required: 1516."
    )
    assert got == {
        "vm_family": "standardDSv3Family",
        "quota_limit": 1500,
        "quota_used": 1500,
        "quota_needed": 16,
        "quota_new_limit": 1516,
        "location": "westeurope",
        "quota_name": "standardDSv3Family vCPUs",
    }


def test_profile_defaults():
    pool = _pool({"name": "np", "count": 2, "vmSize": "Standard_D2ds_v5"})
    assert (pool.autoscale, pool.min_count, pool.max_count, pool.max_pods, pool.mode) == (False, 2, 2, 110, "User")
    assert _pool({"name": "t", "nodeTaints": ["CriticalAddonsOnly=true:NoSchedule"]}).taints == [
        {"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}
    ]


def _signals(*entries):
    signals = Signals()
    for when, reason, message in entries:
        if reason == "TriggeredScaleUp":
            signals.triggered += [(s, when, "Event") for s in parse_scale_up(message)]
        else:
            signals.declined.append((parse_no_scale_up(message), when, "Event"))
    return signals


def test_a_scale_up_is_in_progress_until_its_node_is_ready():
    view = ClusterView([node_state(f"aks-userpool-1-vmss00000{i}", "userpool") for i in range(3)], [], [])
    trigger = (
        "2026-11-21T09:58:00Z",
        "TriggeredScaleUp",
        "pod triggered scale-up: [{aks-userpool-1-vmss 3->4 (max: 5)}]",
    )
    scale = _signals(trigger).in_progress_k8s(view)
    assert (scale.group, scale.current, scale.new, scale.max) == ("aks-userpool-1-vmss", 3, 4, 5)
    joined = ClusterView([node_state(f"aks-userpool-1-vmss00000{i}", "userpool") for i in range(4)], [], [])
    assert _signals(trigger).in_progress_k8s(joined) is None  # the node came and was taken by other pods
    later = ("2026-11-21T09:59:00Z", "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 max node group size reached")
    declined = _signals(trigger, later)
    assert declined.in_progress_k8s(view) is None and declined.says_max_reached()


def test_a_quota_failure_of_the_autoscaler_is_vm_quota_exceeded_with_its_figures():
    failure = ScaleFailure(
        "aks-userpool-24817365-vmss",
        'Code="OperationNotAllowed" Message="Operation could not be completed as it results in exceeding approved '
        "standardDDSv5Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, "
        'Current Limit: 20, Current Usage: 20, Additional Required: 4, (Minimum) New Limit Required: 24."',
        "Event kube-system/cluster-autoscaler-status.1 (FailedToScaleUpGroup)",
    )
    outcome = _failure_outcome(failure, {})
    assert outcome.answer == "quota"
    assert (outcome.facts["pool"], outcome.facts["vm_family"], outcome.facts["quota_new_limit"]) == (
        "userpool",
        "standardDDSv5Family",
        24,
    )
    allocation = _failure_outcome(ScaleFailure("aks-userpool-1-vmss", "Code: ZonalAllocationFailed", "x"), {})
    assert allocation.answer == "scale-up-failed" and "ZonalAllocationFailed" in allocation.facts["notes"][0]


# ---- extended resources on pool templates (a GPU pod is never "fits a new node" of a pool without GPUs) -----------
GPU_SIZES = [*SIZES, {"name": "Standard_NC4as_T4_v3", "numberOfCores": 4, "memoryInMB": 28672},
             {"name": "Standard_NC6s_v3", "numberOfCores": 6, "memoryInMB": 114688},
             {"name": "Standard_NV12s_v3", "numberOfCores": 12, "memoryInMB": 114688}]
ONE_GPU = Resources(500, 1 * GIB, 1, {"nvidia.com/gpu": 1})


def test_gpu_counts_known_sizes_and_calls_other_n_series_unknown():
    assert gpu_count("Standard_NC6s_v3") == 1 and gpu_count("standard_nc96ads_a100_v4") == 4
    assert gpu_count("Standard_D4ds_v5") == 0  # outside the N-series: no GPU
    assert gpu_count("Standard_NV12s_v3") is None  # an N-series size the table does not know: unknown, never 0


def test_a_new_node_modelled_on_a_node_without_gpus_does_not_fit_a_gpu_pod():
    pool = _pool({"name": "userpool", "count": 3, "vmSize": "Standard_D4ds_v5", "mode": "User"})
    view = ClusterView([node_state("aks-userpool-1-vmss000000", "userpool")], [], [])
    template = pool_template(pool, view, None, "1.31")
    assert template.fits(Resources(500, 1 * GIB, 1))
    assert not template.fits(ONE_GPU) and template.lacks(ONE_GPU) == ["nvidia.com/gpu"]


def test_a_pool_estimated_from_its_vm_size_knows_gpus_only_for_known_sizes():
    view = ClusterView([], [], [])
    cpu_only = pool_template(_pool({"name": "d8", "count": 0, "vmSize": "Standard_D8ds_v5"}), view, GPU_SIZES, "1.31")
    t4 = pool_template(_pool({"name": "t4", "count": 0, "vmSize": "Standard_NC4as_T4_v3"}), view, GPU_SIZES, "1.31")
    nv = pool_template(_pool({"name": "nv", "count": 0, "vmSize": "Standard_NV12s_v3"}), view, GPU_SIZES, "1.31")
    assert not cpu_only.fits(ONE_GPU)
    assert t4.fits(ONE_GPU) and not t4.fits(Resources(500, GIB, 1, {"nvidia.com/gpu": 2}))
    assert nv.fits(ONE_GPU) and nv.lacks(ONE_GPU) == []  # unknown: not ruled out (and not proven either)
    # no extended resource but GPUs is known for an estimated node: not ruled out
    assert cpu_only.fits(Resources(500, GIB, 1, {"example.com/fpga": 1}))


def test_the_suggested_size_for_a_gpu_pod_offers_whole_gpus():
    got = suggest_vm_size(ONE_GPU, GPU_SIZES, current="Standard_D4ds_v5", daemonsets=Resources(), max_pods=110,
                          version="1.31")
    assert got == "Standard_NC4as_T4_v3"
    assert suggest_vm_size(Resources(500, GIB, 1, {"nvidia.com/gpu": 8}), GPU_SIZES, current="Standard_D4ds_v5",
                           daemonsets=Resources(), max_pods=110, version="1.31") == ""
