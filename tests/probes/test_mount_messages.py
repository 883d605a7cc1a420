"""FailedMount / Key Vault / Entra ID texts, classified by the link they point at.

Every message is a real one (sources in src/aksdoctor/probes/mount_messages.py); ids were redacted by the
sources and replaced here by realistic names.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aksdoctor.probes.mount_messages import MountErrorKind, classify, core, short

K = MountErrorKind
WRAP = (
    'MountVolume.SetUp failed for volume "secrets-store01-inline" : rpc error: code = Unknown desc = failed to mount '
    "secrets store objects for pod default/busybox-secrets-store-inline-wi, err: rpc error: code = Unknown desc = "
    "failed to mount objects, error: "
)
KV = (
    "failed to get objectType:secret, objectName:db-password, objectVersion:: keyvault.BaseClient#GetSecret: Failure "
    "responding to request: StatusCode=403 -- Original Error: autorest/azure: Service returned an error. "
)

CASES = [
    # SupportArticles troubleshoot-key-vault-csi-secrets-store-csi-driver, Cause 5
    (
        K.DRIVER_NOT_REGISTERED,
        'MountVolume.SetUp failed for volume "secrets-store01-inline" : kubernetes.io/csi: mounter.SetUpAt failed to '
        "get CSI client: driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers",
    ),
    # secrets-store-csi-driver getSecretProviderItem; AWS docs quote of the event
    (
        K.SPC_NOT_FOUND,
        'MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to get '
        'secretproviderclass default/aws, error: secretproviderclasses.secrets-store.csi.x-k8s.io "aws" not found',
    ),
    # MicrosoftDocs/azure-docs#106441 (AKS CSI with workload identity)
    (
        K.FEDERATION,
        WRAP + "failed to get keyvault client: failed to get authorizer for keyvault client: failed to acquire token: "
        "FromAssertion(): http call(https://login.microsoftonline.com/d95095be-6338-44be-89cb-12753aa161e4/oauth2/v2.0/"
        'token)(POST) error: reply status code was 400:\n{"error":"invalid_request","error_description":"AADSTS70021: '
        "No matching federated identity record found for presented assertion. Assertion Issuer: "
        "'https://uksouth.oic.prod-aks.azure.com/d95095be-6338-44be-89cb-12753aa161e4/7627b819-b0f2-4621-934c-"
        "c458148d71be/'. Assertion Subject: 'system:serviceaccount:default:workload-identity-sa'. Assertion Audience: "
        "'api://AzureADTokenExchange'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-"
        'identity-federation\\r\\nTrace ID: 50063224-eaa6-4b6e-8488-f2f376042900","error_codes":[70021]}',
    ),
    # Azure/azure-workload-identity#1200
    (
        K.FEDERATION,
        "AADSTS700213: No matching federated identity record found for presented assertion subject "
        "'system:serviceaccount:xxx:yyy'. Check your federated identity credential Subject, Audience and Issuer "
        "against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
    ),
    (
        K.FEDERATION,
        "AADSTS700211: No matching federated identity record found for presented assertion issuer "
        "'https://eastus.oic.prod-aks.azure.com/c90ea95b-aead-4931-b72e-f3e703fc342b/85ee619b-d637-4610-bacd-"
        "d4c64ff20348/'. Please check your federated identity credential Subject, Audience and Issuer against the "
        "presented assertion.",
    ),
    # SupportArticles Cause 3: wrong userAssignedIdentityID through IMDS
    (
        K.IDENTITY_NOT_FOUND,
        WRAP
        + "failed to get keyvault client: failed to get key vault token: adal: Refresh request failed. Status Code "
        '= \'400\'. Response body: {"error":"invalid_request","error_description":"Identity not found"} Endpoint '
        "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&client_id=0000",
    ),
    (
        K.IDENTITY_NOT_FOUND,
        "AADSTS700016: Application with identifier '5c1e8f2a-7b3d-4e6f-9a1c-2d4b6e8f0a31' was not found in the "
        "directory 'Contoso'.",
    ),
    (K.TENANT, "AADSTS90002: Tenant '8d3e1c2b-6f4a-4e9d-b7c5-2a1f0e9d8c7e' not found. Check to make sure you have"),
    (
        K.TOKEN_AUDIENCE,
        WRAP + "failed to get service account token: token for audience api://AzureADTokenExchange not found",
    ),
    # shared/azure-arm-examples/error-messages.md 1.2 to 1.8
    (
        K.FORBIDDEN_BY_RBAC,
        WRAP + KV + 'Status=403 Code="Forbidden" Message="Caller is not authorized to perform action on resource.\\r\\n'
        "Assignment: (not found)\\r\\nDecisionReason: 'DeniedWithNoValidRBAC' \\r\\n\" "
        'InnerError={"code":"ForbiddenByRbac"}',
    ),
    (
        K.ACCESS_DENIED,
        WRAP + KV + 'Status=403 Code="Forbidden" Message="The user, group or application \'appid=x;oid=y;iss=z\' does '
        "not have secrets get permission on key vault 'someakv;location=germanywestcentral'.\" "
        'InnerError={"code":"AccessDenied"}',
    ),
    (
        K.ACCESS_DENIED,
        '{"error":{"code":"Forbidden","message":"The user, group or application ...","innererror":{"code":"AccessDenied"}}}',
    ),
    (
        K.FORBIDDEN_BY_FIREWALL,
        WRAP + KV + 'Status=403 Code="Forbidden" Message="Client address is not authorized and caller is not a trusted '
        'service.\\r\\nClient address: 10.224.0.4\\r\\nVault: kv;location=westeurope" InnerError={"code":"ForbiddenByFirewall"}',
    ),
    (
        K.FORBIDDEN_BY_CONNECTION,
        WRAP + KV + 'Status=403 Code="Forbidden" Message="Public network access is disabled and request is not from a '
        'trusted service nor via an approved private link." InnerError={"code":"ForbiddenByConnection"}',
    ),
    (
        K.SECRET_NOT_FOUND,
        'Status=404 Code="SecretNotFound" Message="A secret with (name/id) test-cert-chain was not found in this key '
        'vault."',
    ),
    (
        K.SECRET_DISABLED,
        '{"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret.",'
        '"innererror":{"code":"SecretDisabled"}}}',
    ),
    (
        K.SECRET_EXPIRED,
        '(Forbidden) Operation get is not allowed on a expired secret. Inner error: {"code": "SecretExpired"}',
    ),
    (
        K.DNS,
        WRAP
        + "failed to get objectType:secret, objectName:db-password, objectVersion:: keyvault.BaseClient#GetSecret: "
        'Failure sending request: StatusCode=0 -- Original Error: Get "https://kv-shop-prd.vault.azure.net/secrets/'
        'db-password/?api-version=2016-10-01": dial tcp: lookup kv-shop-prd.vault.azure.net on 10.0.0.10:53: no such host',
    ),
    # SupportArticles Cause 2
    (
        K.TIMEOUT,
        "failed to process mount request, error: keyvault.BaseClient#GetSecret: Failure sending request: StatusCode=0 "
        "-- Original Error: context deadline exceeded",
    ),
    (
        K.OTHER,
        WRAP + "failed to find provider binary azure, err: stat /etc/kubernetes/secrets-store-csi-providers/azure/"
        "provider-azure: no such file or directory",
    ),
]


@pytest.mark.parametrize(("kind", "message"), CASES, ids=[f"{k.value}-{i}" for i, (k, _m) in enumerate(CASES)])
def test_real_messages_are_classified(kind, message):
    assert classify(message).kind is kind


def test_the_token_exchange_says_what_it_presented():
    error = classify(CASES[2][1])
    assert error.volume == "secrets-store01-inline"
    assert error.aadsts == "AADSTS70021"
    assert error.issuer.endswith("/7627b819-b0f2-4621-934c-c458148d71be/")
    assert error.subject == "system:serviceaccount:default:workload-identity-sa"
    assert error.audience == "api://AzureADTokenExchange"
    assert error.summary.startswith("AADSTS70021: No matching federated identity record")
    assert "Trace ID" not in error.summary


def test_the_key_vault_answer_is_what_the_summary_shows():
    error = classify(CASES[12][1])
    assert error.client_ip == "10.224.0.4"
    assert error.object_name == "db-password"
    assert error.summary.startswith(
        'failed to get objectType:secret, objectName:db-password: Status=403 Code="Forbidden"'
    )
    assert error.summary.endswith('InnerError={"code":"ForbiddenByFirewall"}')
    assert "\\r\\n" not in error.summary


def test_dns_failures_name_the_host():
    assert classify(CASES[17][1]).host == "kv-shop-prd.vault.azure.net"


def test_core_strips_the_driver_wrapping():
    assert core(CASES[0][1]) == "driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers"
    assert core(CASES[1][1]).startswith("failed to get secretproviderclass default/aws")


def test_short_is_one_bounded_line():
    text = short("a\\r\\nb\nc " + "x" * 1000)
    assert "\n" not in text and len(text) == 400 and text.startswith("a b c")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_any_text_is_classified(text):
    assert classify(text).kind in K
