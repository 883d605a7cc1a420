"""Probes: small questions over Evidence. Registered here, by an explicit list (no import magic)."""

from __future__ import annotations

from . import acr, pods
from .registry import ProbeSpec, probe, register

PROBES: dict[str, ProbeSpec] = register(
    pods.image_pull_state,
    pods.pull_error,
    pods.pull_secrets,
    pods.registry_is_acr,
    acr.tag_exists,
    acr.kubelet_can_pull,
    acr.network_open,
)

__all__ = ["PROBES", "ProbeSpec", "probe", "register"]
