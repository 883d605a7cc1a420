"""Shell completion of pod, Deployment and node names from the current context (typer's autocompletion)."""

from __future__ import annotations

from typing import Any


def pods(ctx: Any, incomplete: str) -> list[str]:
    """Pod names in the namespace the command line names (or the context's) that start with `incomplete`."""
    return _names(ctx, "pods", incomplete)


def deployments(ctx: Any, incomplete: str) -> list[str]:
    """Deployment names, offered as deploy/NAME when the user typed the prefix."""
    prefix = "deploy/" if incomplete.startswith("deploy/") else ""
    return [prefix + n for n in _names(ctx, "deployments", incomplete.removeprefix("deploy/"))]


def nodes(ctx: Any, incomplete: str) -> list[str]:
    """Node names, offered as node/NAME when the user typed the prefix."""
    prefix = "node/" if incomplete.startswith("node/") else ""
    return [prefix + n for n in _names(ctx, "nodes", incomplete.removeprefix("node/"))]


def _names(ctx: Any, key: str, incomplete: str) -> list[str]:
    """Never raises and never waits long: completion must not break the shell."""
    try:
        from ..sources.kube_live import LiveKube
        from ..sources.resources import resource

        params = getattr(ctx, "params", {}) or {}
        kube = LiveKube(kubeconfig=params.get("kubeconfig"), context=params.get("context"), timeout=3.0, retries=0)
        namespace = params.get("namespace") or kube.default_namespace
        names = [str((o.get("metadata") or {}).get("name", "")) for o in kube.list(resource(key), namespace, limit=500)]
    except Exception:  # noqa: BLE001 - no cluster, no completion
        return []
    return sorted(n for n in names if n.startswith(incomplete))


__all__ = ["deployments", "nodes", "pods"]
