"""The error both read-only guards raise (Kubernetes pool, Azure transport); no SDK import, so a Kubernetes-only
run never loads azure.core to name it."""

from __future__ import annotations


class ReadOnlyViolation(RuntimeError):
    """A request that would change something was about to be sent."""


__all__ = ["ReadOnlyViolation"]
