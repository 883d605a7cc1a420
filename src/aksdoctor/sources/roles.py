"""Azure role definitions and the permission arithmetic: actions, notActions, wildcards, data actions."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any


def builtin_role(guid: str) -> dict[str, Any] | None:
    """A well-known built-in role by GUID, in ARM shape (properties.permissions), or None."""
    return _builtin().get(guid.lower())


def permissions(role: dict[str, Any]) -> list[dict[str, list[str]]]:
    """The permissions blocks of a role definition, whether ARM-shaped or az-CLI-shaped."""
    props = role.get("properties") or role
    return list(props.get("permissions") or [])


def role_name(role: dict[str, Any]) -> str:
    """The role's display name."""
    props = role.get("properties") or role
    return str(props.get("roleName") or role.get("name") or "")


def grants(role: dict[str, Any], operation: str, *, data: bool = False) -> bool:
    """Whether a role allows an operation: some block's actions match it and its notActions do not.

    Azure RBAC semantics (https://learn.microsoft.com/azure/role-based-access-control/role-definitions):
    effective permissions are Actions minus NotActions (likewise DataActions minus NotDataActions);
    `*` is a wildcard within an operation string, and matching is case-insensitive.
    """
    allow_key, deny_key = ("dataActions", "notDataActions") if data else ("actions", "notActions")
    for block in permissions(role):
        allowed = any(operation_matches(p, operation) for p in block.get(allow_key) or [])
        denied = any(operation_matches(p, operation) for p in block.get(deny_key) or [])
        if allowed and not denied:
            return True
    return False


def operation_matches(pattern: str, operation: str) -> bool:
    """Case-insensitive match of an RBAC operation pattern where `*` matches any run of characters."""
    pat, op = pattern.lower(), operation.lower()
    parts = pat.split("*")
    if len(parts) == 1:
        return pat == op
    if not op.startswith(parts[0]) or not op.endswith(parts[-1]):
        return False
    pos = len(parts[0])
    end = len(op) - len(parts[-1])
    for middle in parts[1:-1]:
        found = op.find(middle, pos, end)
        if found < 0:
            return False
        pos = found + len(middle)
    return pos <= end


@functools.lru_cache(maxsize=1)
def _builtin() -> dict[str, dict[str, Any]]:
    raw = json.loads((Path(__file__).parent.parent / "data" / "builtin_roles.json").read_text(encoding="utf-8"))
    out = {}
    for role in raw["roles"]:
        arm = {
            "id": role["id"],
            "name": role["name"],
            "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {
                "roleName": role["roleName"],
                "type": role.get("roleType", "BuiltInRole"),
                "permissions": role["permissions"],
                "assignableScopes": role.get("assignableScopes", ["/"]),
            },
        }
        out[role["name"].lower()] = arm
    return out


__all__ = ["builtin_role", "grants", "operation_matches", "permissions", "role_name"]
