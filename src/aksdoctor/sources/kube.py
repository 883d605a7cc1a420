"""What every Kubernetes source offers, and the object clean-ups both sources share."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, Protocol

from ..scrub import clean_tree, scrub
from .resources import Resource

REDACTED = "<redacted>"
DOCKER_CONFIG_KEYS = (".dockerconfigjson", ".dockercfg")


class KubeReader(Protocol):
    """Read-only Kubernetes access: get, list (selectors, pagination inside), logs."""

    mode: str
    context: str

    def get(self, res: Resource, name: str, namespace: str | None = None) -> dict[str, Any]:
        """One object; NotFound, Forbidden, NotCaptured or SourceUnavailable."""
        ...

    def list(
        self,
        res: Resource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """All matching objects (at most `limit` when given)."""
        ...

    def logs(self, namespace: str, pod: str, container: str, *, previous: bool = False, tail: int = 200) -> str:
        """The container's log tail."""
        ...


def normalize(obj: dict[str, Any], *, control: bool = True) -> dict[str, Any]:
    """Make objects of both sources alike: events.k8s.io events in core/v1 shape, secrets without values;
    and safe: terminal control sequences out of every string (`control`; a source that knows the raw text
    holds none passes False), credentials out of messages, env values and annotations (scrub_object)."""
    if control:
        obj = clean_tree(obj, secret=False)
    kind = obj.get("kind")
    if kind == "Event" and str(obj.get("apiVersion", "")).startswith("events.k8s.io/"):
        obj = normalize_event(obj)
    if kind == "Secret":
        return redact_secret(obj)
    return scrub_object(obj)


# Env names whose values a runbook reads (workload identity wiring: ids and a file path, no secret).
ENV_KEPT = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST")
_SECRET_NAME = re.compile(r"(?i)pass|secret|token|key|credential|conn|pwd|auth|cert|private|sas|sig")
# Which Key Vault an app reads is no secret, and the keyvault runbook needs it: a variable named like a vault
# (KEYVAULT_NAME, KEY_VAULT_URL, AZURE_KEYVAULT_URL, KV_URI) or a bare vault URL keeps its value.
VAULT_ENV_NAME = re.compile(
    r"(?i)^(?:AZURE_)?KEY_?VAULT(?:_?(?:NAME|URL|URI|ENDPOINT))?$|^(?:AZURE_)?KV_?(?:NAME|URL|URI)$"
)
_VAULT_URL_VALUE = re.compile(r"(?i)^https://[a-z0-9-]{3,24}\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net)/?$")
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_STATUS_LISTS = ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")


def scrub_object(  # noqa: PLR0912 - one pass over the few places a credential hides
    obj: dict[str, Any],
) -> dict[str, Any]:
    """Credentials out of an object as it is read, so neither a report nor a captured bundle holds one:
    last-applied-configuration dropped (a copy of the spec, env included), annotation values, event and
    status messages scrubbed, env values named like secrets replaced and the others scrubbed (in place)."""
    meta = obj.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict):
        meta["annotations"] = {
            k: scrub(v) if isinstance(v, str) else v for k, v in meta["annotations"].items() if k != _LAST_APPLIED
        }
    kind = obj.get("kind")
    if kind == "Event":
        for key in ("message", "note"):
            if isinstance(obj.get(key), str):
                obj[key] = scrub(obj[key])
        return obj
    spec = obj.get("spec")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job") and isinstance(spec, dict):
        spec = (spec.get("template") or {}).get("spec")
    if isinstance(spec, dict):
        for key in _CONTAINER_LISTS:
            for container in spec.get(key) or []:
                if isinstance(container, dict):
                    _scrub_env(container.get("env"))
    status = obj.get("status")
    if isinstance(status, dict):
        for condition in status.get("conditions") or []:
            if isinstance(condition, dict) and isinstance(condition.get("message"), str):
                condition["message"] = scrub(condition["message"])
        if isinstance(status.get("message"), str):
            status["message"] = scrub(status["message"])
        for key in _STATUS_LISTS:
            for cstatus in status.get(key) or []:
                for state_key in ("state", "lastState"):
                    state = (cstatus or {}).get(state_key) if isinstance(cstatus, dict) else None
                    for detail in (state or {}).values() if isinstance(state, dict) else ():
                        if isinstance(detail, dict) and isinstance(detail.get("message"), str):
                            detail["message"] = scrub(detail["message"])
    return obj


def _scrub_env(env: Any) -> None:
    for var in env if isinstance(env, list) else []:
        if not isinstance(var, dict) or not isinstance(var.get("value"), str):
            continue
        name = str(var.get("name") or "")
        if name in ENV_KEPT or _VAULT_URL_VALUE.match(var["value"].strip()):
            continue
        if VAULT_ENV_NAME.match(name) and re.fullmatch(r"[A-Za-z0-9-]{3,24}|https://[^\s?#@]+", var["value"].strip()):
            continue
        var["value"] = REDACTED if _SECRET_NAME.search(name) else scrub(var["value"])


def normalize_event(event: dict[str, Any]) -> dict[str, Any]:
    """An events.k8s.io/v1 Event in the core/v1 field names probes read (involvedObject, message, count)."""
    series = event.get("series") or {}
    last = series.get("lastObservedTime") or event.get("deprecatedLastTimestamp") or event.get("eventTime")
    return {
        **event,
        "apiVersion": "v1",
        "involvedObject": event.get("regarding") or {},
        "message": event.get("note", ""),
        "count": series.get("count") or event.get("deprecatedCount") or 1,
        "firstTimestamp": event.get("deprecatedFirstTimestamp") or event.get("eventTime"),
        "lastTimestamp": last,
        "source": event.get("deprecatedSource") or {"component": event.get("reportingController", "")},
    }


def redact_secret(secret: dict[str, Any]) -> dict[str, Any]:
    """A Secret with every value replaced; docker configs keep their registry host names only.

    Runbooks need the keys and, for pull secrets, which registry hosts have an entry: never a value
    (README "No secret leaves"). This runs on every Secret as it is read, so nothing downstream sees one.
    """
    out = {k: v for k, v in secret.items() if k not in ("data", "stringData")}
    meta = dict(secret.get("metadata") or {})
    annotations = {
        k: v
        for k, v in (meta.get("annotations") or {}).items()
        if k != "kubectl.kubernetes.io/last-applied-configuration"
    }
    meta["annotations"] = annotations
    out["metadata"] = meta
    data = {**(secret.get("data") or {}), **(secret.get("stringData") or {})}
    out["data"] = {
        key: _redact_value(key, value, is_string=key in (secret.get("stringData") or {})) for key, value in data.items()
    }
    return out


def docker_config_hosts(secret: dict[str, Any]) -> list[str] | None:
    """Registry hosts with an entry in a (redacted) pull secret; None when unreadable."""
    data = secret.get("data") or {}
    for key in DOCKER_CONFIG_KEYS:
        if key in data:
            parsed = _decode_docker_config(data[key])
            if parsed is None:
                return None
            auths = parsed.get("auths", parsed) if key == ".dockerconfigjson" else parsed
            return sorted(auths) if isinstance(auths, dict) else None
    return None


def _redact_value(key: str, value: Any, *, is_string: bool) -> str:
    if key not in DOCKER_CONFIG_KEYS:
        return REDACTED
    parsed = _decode_docker_config(value, is_string=is_string)
    if parsed is None:
        return REDACTED
    auths = parsed.get("auths", {}) if key == ".dockerconfigjson" else parsed
    if not isinstance(auths, dict):
        return REDACTED
    hosts = {host: {"auth": REDACTED} for host in auths}
    skeleton = {"auths": hosts} if key == ".dockerconfigjson" else hosts
    return base64.b64encode(json.dumps(skeleton, sort_keys=True).encode()).decode()


def _decode_docker_config(value: Any, *, is_string: bool = False) -> dict[str, Any] | None:
    if not isinstance(value, str) or value == REDACTED:
        return None
    try:
        text = value if is_string else base64.b64decode(value, validate=True).decode()
        parsed = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, ValueError):
        return None
    return parsed if isinstance(parsed, dict) else None


__all__ = [
    "ENV_KEPT",
    "REDACTED",
    "KubeReader",
    "docker_config_hosts",
    "normalize",
    "normalize_event",
    "redact_secret",
    "scrub_object",
]
