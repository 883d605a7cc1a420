"""FailedScheduling and cluster-autoscaler texts, parsed into per-reason node counts.

Every message is a real one: quoted from kube-scheduler's tests and users' `kubectl describe` output
(sources in src/aksdoctor/probes/scheduler_messages.py); only node and pool names were changed.
"""

from __future__ import annotations

import pytest

from aksdoctor.probes.scheduler_messages import (
    Reason,
    parse_no_scale_up,
    parse_scale_up,
    parse_scheduling_message,
    scale_failure_kind,
)

R = Reason


def counts(message: str) -> list[tuple[int, Reason]]:
    return [(r.count, r.kind) for r in parse_scheduling_message(message).reasons]


def test_the_issue_example_with_its_preemption_tail():
    msg = parse_scheduling_message(
        "0/5 nodes are available: 2 Insufficient cpu, 1 node(s) had untolerated taint {CriticalAddonsOnly: true}, "
        "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 2 No preemption "
        "victims found for incoming pod, 3 Preemption is not helpful for scheduling."
    )
    assert msg.total_nodes == 5
    assert [(r.count, r.kind) for r in msg.reasons] == [(2, R.CPU), (1, R.TAINT), (2, R.SELECTOR)]
    assert (msg.reasons[1].taint_key, msg.reasons[1].taint_value) == ("CriticalAddonsOnly", "true")
    assert msg.preemption == (
        "0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for "
        "scheduling."
    )
    assert msg.kinds() == {R.CPU: 2, R.TAINT: 1, R.SELECTOR: 2}
    assert msg.summary().startswith("2 Insufficient cpu, 1 node(s) had untolerated taint {CriticalAddonsOnly: true}")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # noderesources/fit.go
        ("0/3 nodes are available: 3 Insufficient memory.", [(3, R.MEMORY)]),
        (
            "0/2 nodes are available: 2 Too many pods. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..",
            [(2, R.PODS)],
        ),
        (
            "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 Insufficient nvidia.com/gpu.",
            [(1, R.TAINT), (3, R.OTHER_RESOURCE)],
        ),
        # tainttoleration: the three spellings across releases; not-ready / unreachable are node state
        (
            "0/2 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/master: }, 1 node(s) had untolerated taint {node: node01}.",
            [(1, R.TAINT), (1, R.TAINT)],
        ),
        (
            "0/2 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 1 Insufficient memory.",
            [(1, R.TAINT), (1, R.MEMORY)],
        ),
        (
            "0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.",
            [(3, R.NOT_READY)],
        ),
        (
            "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.",
            [(1, R.UNSCHEDULABLE), (2, R.NOT_READY)],
        ),
        # interpodaffinity, podtopologyspread
        ("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.", [(3, R.ANTI_AFFINITY)]),
        (
            "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules.",
            [(3, R.ANTI_AFFINITY)],
        ),
        ("0/3 nodes are available: 3 node(s) didn't match pod affinity rules.", [(3, R.AFFINITY)]),
        (
            "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label), 2 node(s) didn't match pod topology spread constraints.",
            [(1, R.SPREAD), (2, R.SPREAD)],
        ),
        # volumebinding / volumezone
        (
            "0/2 nodes are available: 2 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
            [(2, R.VOLUME_ZONE)],
        ),
        (
            "0/1 nodes are available: 1 node(s) didn't find available persistent volumes to bind, 1 node(s) had volume node affinity conflict.",
            [(1, R.VOLUME_BIND), (1, R.VOLUME_ZONE)],
        ),
        ("0/3 nodes are available: 3 node(s) had no available volume zone.", [(3, R.VOLUME_ZONE)]),
        ("0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports.", [(3, R.PORTS)]),
    ],
)
def test_every_predicate_is_counted_and_classified(message, expected):
    assert counts(message) == expected


def test_a_prefilter_failure_counts_for_every_node():
    msg = parse_scheduling_message(
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are "
        "available: 3 Preemption is not helpful for scheduling."
    )
    assert msg.prefilter == "pod has unbound immediate PersistentVolumeClaims"
    assert msg.reasons == ()
    assert msg.kinds() == {R.UNBOUND_PVC: 3}
    assert msg.preemption.endswith("3 Preemption is not helpful for scheduling.")


def test_an_old_taint_text_with_its_comma_is_one_reason():
    msg = parse_scheduling_message(
        "0/2 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't "
        "tolerate, 1 Insufficient memory."
    )
    assert msg.reasons[0].text == "node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate"
    assert msg.reasons[0].taint_key == "node-role.kubernetes.io/master"


def test_line_breaks_of_kubectl_describe_do_not_matter():
    wrapped = "0/4 nodes are available: 1 node(s) had untolerated taint(s),\n                           3 Insufficient nvidia.com/gpu."
    assert counts(wrapped) == [(1, R.TAINT), (3, R.OTHER_RESOURCE)]


def test_an_empty_cluster_and_foreign_texts():
    empty = parse_scheduling_message("no nodes available to schedule pods")
    assert empty.total_nodes == 0 and empty.reasons == ()
    assert parse_scheduling_message("").reasons == ()
    assert parse_scheduling_message("binding rejected: running Bind plugin").dominant() is None


def test_dominant_is_the_reason_with_most_nodes():
    msg = parse_scheduling_message(
        "0/10 nodes are available: 1 Insufficient cpu, 2 Insufficient memory, 7 node(s) had untolerated taint(s)."
    )
    assert msg.dominant() is R.TAINT
    assert msg.count(R.MEMORY) == 2


def test_triggered_scale_up_names_group_sizes_and_max():
    ups = parse_scale_up("pod triggered scale-up: [{aks-gpunp-98036146-vmss 1->2 (max: 2)}]")
    assert [(u.group, u.current, u.new, u.max) for u in ups] == [("aks-gpunp-98036146-vmss", 1, 2, 2)]
    two = parse_scale_up(
        "pod triggered scale-up: [{aks-userpool-24817365-vmss 3->5 (max: 10)} {aks-spot-11223344-vmss 0->1 (max: 3)}]"
    )
    assert [u.group for u in two] == ["aks-userpool-24817365-vmss", "aks-spot-11223344-vmss"]


@pytest.mark.parametrize(
    ("message", "kind", "count"),
    [
        ("pod didn't trigger scale-up: 2 max node group size reached", R.MAX_GROUP_SIZE, 2),
        ("pod didn't trigger scale-up: 1 in backoff after failed scale-up", R.BACKOFF, 1),
        (
            "pod didn't trigger scale-up: 1 node(s) had untolerated taint(s), 3 max node group size reached",
            R.MAX_GROUP_SIZE,
            3,
        ),
        ("pod didn't trigger scale-up: 1 node(s) didn't match Pod's node affinity/selector", R.SELECTOR, 1),
    ],
)
def test_not_triggered_scale_up_reasons(message, kind, count):
    assert parse_no_scale_up(message).count(kind) == count


def test_not_triggered_scale_up_with_taints_keeps_their_keys():
    no = parse_no_scale_up(
        "pod didn't trigger scale-up: 1 max node group size reached, 2 node(s) had untolerated taint {dedicated: gpu}"
    )
    assert [(r.count, r.kind, r.taint_key) for r in no.reasons] == [
        (1, R.MAX_GROUP_SIZE, ""),
        (2, R.TAINT, "dedicated"),
    ]
    assert parse_no_scale_up("pod didn't trigger scale-up:").reasons == ()
    old = parse_no_scale_up("pod didn't trigger scale-up (it wouldn't fit if a new node is added)")
    assert old.count(R.OTHER_RESOURCE) == 0 and old.reasons[0].kind is R.OTHER_RESOURCE


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Code: QuotaExceeded Message: Operation could not be completed as it results in exceeding approved "
            "standardDSv3Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: "
            "westeurope, Current Limit: 1500, Current Usage: 1500, Additional Required: 16, (Minimum) New Limit "
            "Required: 1516.",
            "quota",
        ),
        (
            "Code: ErrCode_InsufficientVCPUQuota Message: Insufficient vcpu quota requested 48, remaining 32 for family standardDSv5Family for region qatarcentral",
            "quota",
        ),
        (
            "Error: VMSSAgentPoolReconciler retry failed: Code='SubnetIsFull' Message='snet-aks with address prefix 10.224.0.0/24 doesn't have enough capacity for IP addresses.'",
            "subnet",
        ),
        ("InsufficientSubnetSize: the subnet cannot hold the node pool", "subnet"),
        (
            "Code: ZonalAllocationFailed Message: Allocation failed. We do not have sufficient capacity for the requested VM size in this zone.",
            "allocation",
        ),
        ("context deadline exceeded", ""),
    ],
)
def test_azure_scale_failures_are_classified(text, kind):
    assert scale_failure_kind(text) == kind
