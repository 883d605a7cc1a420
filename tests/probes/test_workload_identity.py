"""Federated credential comparison: what differs, character by character, and which credential is 'close'."""

from __future__ import annotations

import pytest

from aksdoctor.probes.workload_identity import (
    _closest_credential,
    char_difference,
    credential_differences,
    issuer_difference,
    subject_difference,
)

TENANT = "8d3e1c2b-6f4a-4e9d-b7c5-2a1f0e9d8c7b"
ISSUER = f"https://westeurope.oic.prod-aks.azure.com/{TENANT}/b4f6c2a8-3e1d-4c7b-9a5f-0d2e8c1b7a64/"
OTHER_CLUSTER = f"https://westeurope.oic.prod-aks.azure.com/{TENANT}/0a9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c/"
SUBJECT = "system:serviceaccount:shop:web"


def cred(name, issuer, subject, audiences=("api://AzureADTokenExchange",)):
    return {"name": name, "properties": {"issuer": issuer, "subject": subject, "audiences": list(audiences)}}


@pytest.mark.parametrize(
    ("have", "want", "said"),
    [
        ("shpo", "shop", "'po' instead of 'op' at character 3"),
        ("web", "web/", "missing '/' at the end"),
        ("web-sa", "web", "extra '-sa' at character 4"),
        ("abc", "abc", "identical"),
        ("8d3e1c2e", "8d3e1c2b", "'e' instead of 'b' at character 8"),
    ],
)
def test_char_difference_names_the_edit_and_where(have, want, said):
    assert char_difference(have, want) == said


def test_missing_trailing_slash_is_named():
    assert issuer_difference(ISSUER.rstrip("/"), ISSUER) == "missing the trailing '/'"
    assert issuer_difference(ISSUER, ISSUER.rstrip("/")) == "an extra trailing '/'"


def test_another_clusters_issuer_is_named_with_both_ids():
    said = issuer_difference(OTHER_CLUSTER, ISSUER)
    assert said == (
        "another cluster's issuer (issuer id 0a9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c, this cluster's is "
        "b4f6c2a8-3e1d-4c7b-9a5f-0d2e8c1b7a64)"
    )


def test_a_namespace_typo_is_shown_in_the_part_that_differs():
    said = subject_difference("system:serviceaccount:shpo:web", SUBJECT)
    assert said == "namespace 'shpo' instead of 'shop' ('po' instead of 'op' at character 3)"


def test_a_case_only_difference_cites_case_sensitive_matching():
    assert "case-sensitively (AADSTS7002138)" in subject_difference("system:serviceaccount:Shop:web", SUBJECT)


def test_credential_differences_cover_issuer_subject_and_audience():
    diffs = credential_differences(
        cred("c", ISSUER.rstrip("/"), "system:serviceaccount:shop:webb", ["api://AzureADTokenExchange-Modified"]),
        ISSUER,
        SUBJECT,
    )
    assert diffs[0].endswith("missing the trailing '/'")
    assert diffs[1] == (
        "subject 'system:serviceaccount:shop:webb' vs the pod's 'system:serviceaccount:shop:web': service account "
        "'webb' instead of 'web' (extra 'b' at character 4)"
    )
    assert diffs[2] == "audiences ['api://AzureADTokenExchange-Modified'] lack api://AzureADTokenExchange"


@pytest.mark.parametrize(
    ("creds", "expected"),
    [
        ([cred("slash", ISSUER.rstrip("/"), SUBJECT)], "slash"),
        ([cred("typo", ISSUER, "system:serviceaccount:shpo:web")], "typo"),
        ([cred("other-cluster", OTHER_CLUSTER, SUBJECT)], "other-cluster"),
        ([cred("case", ISSUER, "system:serviceaccount:Shop:web")], "case"),
        # another workload's credential of the same cluster is not a typo of ours: the credential is missing
        ([cred("payments", ISSUER, "system:serviceaccount:payments:payments-api")], None),
        ([cred("worker", ISSUER, "system:serviceaccount:shop:worker")], None),
        (
            [cred("github", "https://token.actions.githubusercontent.com", "repo:contoso/shop:ref:refs/heads/main")],
            None,
        ),
        ([], None),
    ],
)
def test_only_nearly_right_credentials_are_close(creds, expected):
    best = _closest_credential(creds, ISSUER, SUBJECT)
    assert (best["name"] if best else None) == expected


def test_the_closest_of_several_wins():
    creds = [cred("other-cluster", OTHER_CLUSTER, SUBJECT), cred("slash", ISSUER.rstrip("/"), SUBJECT)]
    assert _closest_credential(creds, ISSUER, SUBJECT)["name"] == "slash"
