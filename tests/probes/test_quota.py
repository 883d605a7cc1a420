"""quota: VM size -> quota family, the pool's autoscaler state, and the quota a new node needs."""

from __future__ import annotations

import pytest

from aksdoctor.probes.quota import PoolState, QuotaEntry, QuotaState, family_candidates, family_for_size

# usages name.value strings as Microsoft.Compute/locations/usages returns them (a westus recording in
# ../shared/azure-arm-examples/Microsoft.Compute/usages_List.recorded-westus-first40.json, plus newer families).
REGION = [
    "cores",
    "lowPriorityCores",
    "standardDSv2Family",
    "standardDSv3Family",
    "standardDv2Family",
    "standardDv3Family",
    "standardDDSv4Family",
    "standardDDSv5Family",
    "standardDSv5Family",
    "standardBSFamily",
    "standardMSFamily",
    "standardFSv2Family",
    "standardBasv2Family",
    "Standard NCASv3_T4 Family",
    "standardNCADSA100v4Family",
]


@pytest.mark.parametrize(
    ("size", "family"),
    [
        ("Standard_D4ds_v5", "standardDDSv5Family"),
        ("Standard_D4s_v5", "standardDSv5Family"),
        ("Standard_D4s_v3", "standardDSv3Family"),
        ("Standard_D4_v3", "standardDv3Family"),
        ("Standard_DS2_v2", "standardDSv2Family"),
        ("Standard_D2_v2", "standardDv2Family"),
        ("Standard_D8ds_v4", "standardDDSv4Family"),
        ("Standard_F8s_v2", "standardFSv2Family"),
        ("Standard_B2ms", "standardBSFamily"),
        ("Standard_B2s", "standardBSFamily"),
        ("Standard_M64ms", "standardMSFamily"),
        ("Standard_B2als_v2", "standardBasv2Family"),
        ("Standard_NC4as_T4_v3", "Standard NCASv3_T4 Family"),
        ("Standard_NC24ads_A100_v4", "standardNCADSA100v4Family"),
    ],
)
def test_vm_size_maps_to_its_quota_family(size, family):
    assert family_for_size(size, REGION) == family


def test_a_family_the_region_does_not_list_is_none_not_a_neighbour():
    assert family_candidates("Standard_E4ads_v5") == ["standardEADSv5Family"]
    assert family_for_size("Standard_E4ads_v5", REGION) is None
    assert family_for_size("Standard_D4ds_v6", REGION) is None  # not standardDDSv5Family


def test_constrained_vcpu_sizes_use_the_parent_family():
    assert family_candidates("Standard_E4-2ds_v5") == ["standardEDSv5Family"]


def test_names_that_are_not_vm_sizes_give_no_candidates():
    assert family_candidates("custom-size") == []


def pool(**kw) -> PoolState:
    base: dict = {"name": "userpool", "mode": "User", "vm_size": "Standard_D4ds_v5", "count": 3, "autoscaling": True}
    base |= {"min_count": 2, "max_count": 3, "spot": False, "hot_nodes": 3, "needed_nodes": 4}
    return PoolState(**(base | kw))


def test_pool_states():
    assert pool().state == "at-max"
    assert pool(max_count=6).state == "can-grow"
    assert pool(autoscaling=False, min_count=None, max_count=None).state == "disabled"
    assert pool(count=4, max_count=3).state == "at-max"  # scaled by hand above its maximum


def test_suggested_counts_fit_the_load_and_exceed_the_old_maximum():
    assert pool().target_nodes == 4 and pool().suggested_max_count == 4
    assert pool(needed_nodes=2).target_nodes == 4  # always at least one more node than now
    assert pool(max_count=10, needed_nodes=7).suggested_max_count == 11
    off = pool(autoscaling=False, min_count=None, max_count=None, needed_nodes=5)
    assert off.suggested_max_count == 5 and off.facts()["min_count"] == 3


def test_quota_short_in_the_family_asks_for_the_new_nodes():
    state = QuotaState(
        location="westeurope",
        vcpus=4,
        vcpus_source="Standard_D4ds_v5 has 4 vCPUs",
        extra_nodes=2,
        family=QuotaEntry("standardDDSv5Family", "Standard DDSv5 Family vCPUs", 24, 24),
        total=QuotaEntry("cores", "Total Regional vCPUs", 98, 100),
        family_guess="standardDDSv5Family",
    )
    assert [e.name for e in state.short] == ["standardDDSv5Family", "cores"]
    facts = state.facts(pool())
    assert facts["quota_resource"] == "standardDDSv5Family" and facts["new_quota_limit"] == 32
    assert facts["total_quota_short"] is True and facts["new_total_limit"] == 106
    assert facts["quota_resource_type"] == "dedicated"


def test_spot_pools_count_against_low_priority_cores():
    state = QuotaState("westeurope", 4, "", 1, None, QuotaEntry("lowPriorityCores", "Low-priority vCPUs", 100, 100), "")
    facts = state.facts(pool(spot=True))
    assert facts["quota_resource"] == "lowPriorityCores" and facts["quota_resource_type"] == "lowPriority"
    assert facts["new_quota_limit"] == 104


def test_an_unmatched_family_is_said_and_only_the_total_compared():
    state = QuotaState(
        "westeurope", 4, "", 1, None, QuotaEntry("cores", "Total Regional vCPUs", 10, 100), "standardXYZv9Family"
    )
    assert state.short == []
    assert state.notes() == [
        "no quota family standardXYZv9Family in the region's usages: only the regional total was compared"
    ]
