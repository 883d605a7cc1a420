"""Azure RBAC permission arithmetic: wildcards, notActions, data actions, built-in and custom roles."""

from __future__ import annotations

import pytest

from aksdoctor.probes.acr import PULL_ACTION, PULL_DATA_ACTION
from aksdoctor.sources.roles import builtin_role, grants, operation_matches

KV_GET = "Microsoft.KeyVault/vaults/secrets/getSecret/action"


def role(actions=(), not_actions=(), data_actions=(), not_data_actions=()):
    return {
        "properties": {
            "roleName": "custom",
            "permissions": [
                {
                    "actions": list(actions),
                    "notActions": list(not_actions),
                    "dataActions": list(data_actions),
                    "notDataActions": list(not_data_actions),
                }
            ],
        }
    }


@pytest.mark.parametrize(
    ("name", "guid", "legacy_pull", "abac_pull"),
    [
        ("AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d", True, False),
        ("AcrPush", "8311e382-0749-4cb8-b61a-304f252e45ec", True, False),
        ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7", True, False),  # */read
        ("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c", True, False),  # *
        ("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", True, False),
        ("Key Vault Reader", "21090545-7ca7-4776-b22c-e363652d74d2", False, False),
        ("Container Registry Repository Reader", "b93aa761-3e63-49ed-ac28-beffa264f7ac", False, True),
    ],
)
def test_builtin_roles_and_acr_pull(name, guid, legacy_pull, abac_pull):
    definition = builtin_role(guid.upper())  # GUIDs compare case-insensitively
    assert definition["properties"]["roleName"] == name
    assert grants(definition, PULL_ACTION) is legacy_pull
    assert grants(definition, PULL_DATA_ACTION, data=True) is abac_pull


@pytest.mark.parametrize(
    ("guid", "reads_secret_values"),
    [
        ("4633458b-17de-408a-b874-0445c86b69e6", True),  # Key Vault Secrets User
        ("b86a8fe4-44ce-4948-aee5-eccb2c155cd7", True),  # Secrets Officer: secrets/*
        ("00482a5a-887f-4fb3-b363-3b7fe8e74483", True),  # Administrator: vaults/*
        ("21090545-7ca7-4776-b22c-e363652d74d2", False),  # Reader: readMetadata only
        ("f25e0fa2-a7c8-4377-a976-54943a77a395", False),  # Contributor of Key Vault: no data actions
        ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", False),  # Owner: * is control plane only
    ],
)
def test_key_vault_secret_get_is_a_data_action(guid, reads_secret_values):
    assert grants(builtin_role(guid), KV_GET, data=True) is reads_secret_values


def test_not_actions_remove_what_a_wildcard_grants():
    r = role(actions=["Microsoft.ContainerRegistry/*"], not_actions=["Microsoft.ContainerRegistry/registries/pull/*"])
    assert not grants(r, PULL_ACTION)
    assert grants(r, "Microsoft.ContainerRegistry/registries/push/write")


def test_not_data_actions_remove_data_actions():
    r = role(
        data_actions=["Microsoft.KeyVault/vaults/*"],
        not_data_actions=["Microsoft.KeyVault/vaults/secrets/getSecret/action"],
    )
    assert not grants(r, KV_GET, data=True)
    assert grants(r, "Microsoft.KeyVault/vaults/secrets/readMetadata/action", data=True)


def test_actions_do_not_grant_data_actions():
    assert not grants(role(actions=["*"]), KV_GET, data=True)


def test_a_not_action_in_one_block_does_not_cancel_another_block():
    r = {
        "properties": {
            "permissions": [
                {"actions": ["*/read"], "notActions": [PULL_ACTION]},
                {"actions": [PULL_ACTION], "notActions": []},
            ]
        }
    }
    assert grants(r, PULL_ACTION)


@pytest.mark.parametrize(
    ("pattern", "operation", "matches"),
    [
        ("*", "Microsoft.Compute/virtualMachines/read", True),
        ("*/read", "Microsoft.ContainerRegistry/registries/pull/read", True),
        ("*/read", "Microsoft.ContainerRegistry/registries/push/write", False),
        ("microsoft.containerregistry/registries/pull/read", PULL_ACTION, True),
        ("Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/secrets/read", True),
        ("Microsoft.KeyVault/vaults/*/read", KV_GET, False),
        ("Microsoft.*/registries/*/read", PULL_ACTION, True),
        (
            "Microsoft.ContainerRegistry/registries/pull/read",
            "Microsoft.ContainerRegistry/registries/pull/readx",
            False,
        ),
    ],
)
def test_operation_matching(pattern, operation, matches):
    assert operation_matches(pattern, operation) is matches


def test_custom_role_read_from_arm_shape():
    custom = {
        "id": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/x",
        "properties": {
            "roleName": "Image puller",
            "permissions": [{"actions": ["Microsoft.ContainerRegistry/registries/pull/read"]}],
        },
    }
    assert grants(custom, PULL_ACTION)
