"""--redact: replace namespaces, names, subscription and object ids, IPs and registry hosts with stable
placeholders, so a report can leave the team. The same value gets the same placeholder throughout."""

from __future__ import annotations

import re

from ..model import Diagnosis
from .sanitize import map_strings, sanitize, strings_of

_ARM_NAME = re.compile(
    r"/(subscriptions|resourceGroups|managedClusters|registries|vaults|userAssignedIdentities|"
    r"virtualNetworks|subnets|privateEndpoints|privateDnsZones)/([^/\s'\"]+)",
    re.IGNORECASE,
)
_GUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
_IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
_ACR_HOST = re.compile(r"\b([a-z0-9][a-z0-9-]*)\.azurecr\.(?:io|cn|us)\b", re.IGNORECASE)
_VAULT_HOST = re.compile(r"\b([a-z0-9][a-z0-9-]*)\.vault\.azure\.net\b", re.IGNORECASE)
# Vault names outside hosts and ARM ids: prose, --vault-name, keyvaultName, `az keyvault ... --name`
_VAULT_NAME = re.compile(
    # prose ("vault kv-shop", "Key Vault kv-prod2"): a name with a hyphen or digit, not an English word
    r"(?i)(?:\bkey ?vault|\bvault)\s+[\"'`]?((?=[a-z0-9-]*[-0-9])[a-z0-9][a-z0-9-]{2,23})\b"
    # flags and parameters name a vault whatever it looks like
    r"|(?:--vault-name|keyvaultName[\"']?\s*[:=])\s*[\"']?([a-z0-9][a-z0-9-]{2,23})\b"
    r"|az keyvault \S+(?: \S+)*? --name ([a-z0-9][a-z0-9-]{2,23})\b"
)
_AKS_NODE = re.compile(r"\baks-[a-z0-9]+-\d+-vmss[0-9a-z]{6}\b")
# "Pod shop/web-1", "Event shop/web-1.17a...", "deployment/web", "-n shop": names the report itself marks as such
_OBJECT_REF = re.compile(
    r"\b(?:Pod|Deployment|ReplicaSet|StatefulSet|DaemonSet|Event|ServiceAccount) "
    r"([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9.-]*)"
)
_KIND_NAME = re.compile(
    r"\b(?:pod|deployment|statefulset|daemonset|replicaset|serviceaccount|sa)/([a-z0-9][a-z0-9.-]*)"
)
_NAMESPACE_FLAG = re.compile(r"(?:\s-n|--namespace)[ =]([a-z0-9][a-z0-9-]*)")
_KINDS = {
    "subscriptions": "subscription",
    "resourcegroups": "resource-group",
    "managedclusters": "cluster",
    "registries": "registry",
    "vaults": "vault",
    "userassignedidentities": "identity",
    "virtualnetworks": "vnet",
    "subnets": "subnet",
    "privateendpoints": "private-endpoint",
    "privatednszones": "dns-zone",
}
_PUBLIC_HOSTS = ("169.254.169.254", "168.63.129.16")  # Azure platform addresses: not the customer's


class Redactor:
    """Learns sensitive values, then replaces each with its placeholder."""

    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def learn(self, value: str | None, kind: str) -> None:
        """Remember a value to hide (first seen, first numbered)."""
        value = value.rstrip(".,;:)]}>!?") if value else value  # "vault kv-shop." names kv-shop
        if not value or value in self.mapping or len(value) < 3 or value in _PUBLIC_HOSTS:
            return
        self._counts[kind] = self._counts.get(kind, 0) + 1
        self.mapping[value] = f"<{kind}-{self._counts[kind]}>"

    def scan(self, text: str) -> None:
        """Learn what the patterns find in a text."""
        for kind, name in _ARM_NAME.findall(text):
            self.learn(name, _KINDS[kind.lower()])
        for match in _ACR_HOST.finditer(text):
            self.learn(match.group(0), "registry-host")
            self.learn(match.group(1), "registry")
        for match in _VAULT_HOST.finditer(text):
            self.learn(match.group(0), "vault-host")
            self.learn(match.group(1), "vault")
        for guid in _GUID.findall(text):
            self.learn(guid, "id")
        for ip in _IPV4.findall(text):
            self.learn(ip, "ip")
        for node in _AKS_NODE.findall(text):
            self.learn(node, "node")
        for namespace, name in _OBJECT_REF.findall(text):
            self.learn(namespace, "namespace")
            self.learn(name.split(".")[0], "name")
        for name in _KIND_NAME.findall(text):
            self.learn(name, "name")
        for namespace in _NAMESPACE_FLAG.findall(text):
            self.learn(namespace, "namespace")
        for match in _VAULT_NAME.finditer(text):
            self.learn(next(g for g in match.groups() if g), "vault")

    def text(self, text: str) -> str:
        """The text with every learned value replaced (longest first, whole tokens only)."""
        if not self.mapping:
            return text
        pattern = self._pattern()
        return pattern.sub(lambda m: self.mapping[m.group(0)], text)

    def _pattern(self) -> re.Pattern[str]:
        keys = sorted(self.mapping, key=len, reverse=True)
        return re.compile(r"(?<![\w.-])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w-])")


def redact(diagnosis: Diagnosis) -> Diagnosis:
    """A copy of the diagnosis with names, ids, IPs and registry hosts replaced by placeholders."""
    r = Redactor()
    target = diagnosis.target
    r.learn(target.namespace, "namespace")
    if target.kind != "Cluster":  # "all-nodes" names no object
        r.learn(target.name, target.kind.lower())
    r.learn(diagnosis.source.context, "context")
    for text in strings_of(diagnosis):
        r.scan(text)
    return map_strings(diagnosis, r.text)


__all__ = ["Redactor", "redact", "sanitize"]
