"""Classify why a Secrets Store CSI mount (or a Key Vault call) failed, from the texts users see.

Inputs are FailedMount Event messages of a pod. The kubelet wraps the driver's error, the driver wraps
the Azure provider's, and the provider wraps the Key Vault or Entra ID answer, so the patterns look for
the innermost cause. Texts and their sources:

* kubelet csi_attacher/csi_mounter: ``MountVolume.SetUp failed for volume "V" : kubernetes.io/csi:
  mounter.SetUpAt failed to get CSI client: driver name secrets-store.csi.k8s.io not found in the list
  of registered CSI drivers`` (MicrosoftDocs SupportArticles troubleshoot-key-vault-csi-secrets-store-
  csi-driver, Cause 5).
* secrets-store-csi-driver (pkg/secrets-store/utils.go getSecretProviderItem): ``failed to get
  secretproviderclass NS/NAME, error: secretproviderclasses.secrets-store.csi.x-k8s.io "NAME" not found``
  (its e2e tests grep ``failed to get secretproviderclass .* not found``; the AWS docs quote the event).
* Azure provider, workload identity (pkg/auth/auth.go getAuthorizerForWorkloadIdentity): ``failed to
  acquire token: FromAssertion(): http call(...)(POST) error: reply status code was 400:
  {"error":"invalid_request","error_description":"AADSTS70021: No matching federated identity record
  found for presented assertion. Assertion Issuer: '...'. Assertion Subject: '...'. Assertion Audience:
  '...'."`` (MicrosoftDocs/azure-docs#106441, Azure/azure-workload-identity#340, #616, #1200 for
  AADSTS700211 / 700213, Azure/login#517 for AADSTS7002138).
* Azure provider, managed identity through IMDS: ``{"error":"invalid_request","error_description":
  "Identity not found"}`` (SupportArticles Cause 3); Entra ``AADSTS700016: Application with identifier
  '...' was not found in the directory`` and ``AADSTS90002: Tenant '...' not found``
  (shared/azure-arm-examples/error-messages.md section 5).
* Key Vault answers inside ``keyvault.BaseClient#GetSecret: ... Status=403 Code="Forbidden"
  Message="..." InnerError={"code":"ForbiddenByRbac"}`` (autorest) or ``RESPONSE 403 ... "innererror":
  {"code":"ForbiddenByRbac"}`` (azcore): the inner codes ForbiddenByRbac, AccessDenied,
  ForbiddenByFirewall, ForbiddenByConnection, SecretDisabled and the 404 code SecretNotFound
  (shared/azure-arm-examples/error-messages.md section 1, Azure/AzureKeyVault#19 for SecretExpired).
* Go resolver: ``dial tcp: lookup NAME on IP:53: no such host``; ``context deadline exceeded``
  (SupportArticles Cause 2: the provider cannot reach the vault).
* Azure SDK texts in container logs when the webhook injected nothing (NOT_INJECTED): azure-workload-identity
  samples ``"failed to read the service account token from the filesystem" err="open : no such file or
  directory"`` and ``failed to read service account token: open : no such file or directory``
  (Azure/azure-workload-identity#461, #488); azidentity (Go) ``no client ID specified. Check pod
  configuration or set ClientID in the options`` / ``no token file specified. Check pod configuration or
  set TokenFilePath in the options`` (Azure/AppConfiguration-KubernetesProvider#14); Azure.Identity (.NET,
  JS, Python) ``WorkloadIdentityCredential authentication unavailable. The workload options are not fully
  configured`` (Azure/azure-sdk-for-net#38218, azure-sdk-for-js TROUBLESHOOTING.md); the issue title
  ``AZURE_CLIENT_ID environment variable is not set`` (Azure/azure-workload-identity#1357).

Pure stdlib, no I/O; every regular expression is bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

__all__ = ["VAULT_URL", "MountError", "MountErrorKind", "classify", "core", "short", "vault_in"]

CSI_DRIVER = "secrets-store.csi.k8s.io"


class MountErrorKind(str, Enum):
    """Which link of the chain a mount error points at."""

    DRIVER_NOT_REGISTERED = "driver-not-registered"
    SPC_NOT_FOUND = "secretproviderclass-not-found"
    FEDERATION = "federation"
    IDENTITY_NOT_FOUND = "identity-not-found"
    TENANT = "tenant"
    TOKEN_AUDIENCE = "token-audience"
    NOT_INJECTED = "not-injected"  # the SDK found no AZURE_CLIENT_ID / AZURE_FEDERATED_TOKEN_FILE
    FORBIDDEN_BY_RBAC = "forbidden-by-rbac"
    ACCESS_DENIED = "access-denied"
    FORBIDDEN_BY_FIREWALL = "forbidden-by-firewall"
    FORBIDDEN_BY_CONNECTION = "forbidden-by-connection"
    SECRET_NOT_FOUND = "secret-not-found"
    SECRET_DISABLED = "secret-disabled"
    SECRET_EXPIRED = "secret-expired"
    DNS = "dns"
    TIMEOUT = "timeout"
    OTHER = "other"


K = MountErrorKind


@dataclass(frozen=True)
class MountError:
    """One classified message, with what it names."""

    kind: MountErrorKind
    message: str
    volume: str | None = None
    host: str | None = None  # the host a DNS lookup failed for
    object_name: str | None = None  # objectName the provider was fetching
    aadsts: str | None = None  # "AADSTS70021"
    issuer: str | None = None  # Assertion Issuer / presented issuer
    subject: str | None = None  # Assertion Subject
    audience: str | None = None  # Assertion Audience

    client_ip: str | None = None  # "Client address: X" of a ForbiddenByFirewall answer
    vault: str | None = None  # the vault the text names (its URL, or keyvault="NAME")

    @property
    def summary(self) -> str:
        """The innermost error, shortened for evidence lines (the kubelet and driver wrapping removed)."""
        return short(core(self.message))


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# First match wins: inner Key Vault / Entra codes before the wrappers that also say 403 or "failed".
RULES: tuple[tuple[MountErrorKind, re.Pattern[str]], ...] = (
    (K.DRIVER_NOT_REGISTERED, _rx(r"not found in the list of registered CSI drivers")),
    (
        K.SPC_NOT_FOUND,
        _rx(r"failed to get secretproviderclass \S{1,320}, error: \S{1,120} \"?[\w.-]{1,253}\"? not found"),
    ),
    (K.FEDERATION, _rx(r"AADSTS(?:70021|700211|700213|7002138)\b|No matching federated identity record")),
    (K.TENANT, _rx(r"AADSTS90002\b|AADSTS900023\b|Tenant '[^']{1,80}' not found")),
    (K.IDENTITY_NOT_FOUND, _rx(r"AADSTS700016\b|\"Identity not found\"|Identity not found")),
    (K.TOKEN_AUDIENCE, _rx(r"token for audience \S{1,80} not found|service account tokens not found")),
    (
        K.NOT_INJECTED,
        _rx(
            r"failed to read (?:the )?service account token|no client ID specified\. Check pod configuration|"
            r"no token file specified\. Check pod configuration|workload options are not fully configured|"
            r"AZURE_CLIENT_ID environment variable is not set|"
            r"AZURE_FEDERATED_TOKEN_FILE environment variable is not set"
        ),
    ),
    (K.FORBIDDEN_BY_RBAC, _rx(r"ForbiddenByRbac|DeniedWithNoValidRBAC")),
    (K.ACCESS_DENIED, _rx(r"\\?\"code\\?\":\s?\\?\"AccessDenied|does not have secrets? \w{1,10} permission")),
    (
        K.FORBIDDEN_BY_FIREWALL,
        _rx(r"ForbiddenByFirewall|Client address is not authorized|is not authorized and caller"),
    ),
    (
        K.FORBIDDEN_BY_CONNECTION,
        _rx(r"ForbiddenByConnection|Public network access is disabled and request is not from a trusted service"),
    ),
    (K.SECRET_DISABLED, _rx(r"SecretDisabled|not allowed on a disabled secret")),
    (K.SECRET_EXPIRED, _rx(r"SecretExpired|not allowed on a expired secret|not allowed on an expired secret")),
    (K.SECRET_NOT_FOUND, _rx(r"SecretNotFound|A secret with \(name/id\) \S{1,300} was not found")),
    (K.DNS, _rx(r"no such host|server misbehaving|\blookup \S{1,253} on \S{1,64}:53\b")),
    (K.TIMEOUT, _rx(r"context deadline exceeded|i/o timeout|context canceled|Client\.Timeout exceeded")),
)

# A vault named in a text: its URL (any cloud's vault DNS suffix), or keyvault="NAME" as the samples log it.
VAULT_URL = re.compile(
    r"https://([A-Za-z0-9-]{3,24})\.(vault\.azure\.net|vault\.azure\.cn|vault\.usgovcloudapi\.net|"
    r"vault\.microsoftazure\.de|vault\.sovcloud-api\.fr)\b",
    re.IGNORECASE,
)
_VAULT_KEY = re.compile(
    r"\bkey_?vault(?:_?name)?[\\\"']{0,2}\s?[=:]\s?[\\\"']{0,2}([A-Za-z][A-Za-z0-9-]{2,23})\b", re.IGNORECASE
)
_VOLUME = re.compile(r'MountVolume\.SetUp failed for volume "([^"]{1,253})"')
_LOOKUP = re.compile(r"\blookup (\S{1,253}?)(?: on \S{1,64}:53)?: no such host")
_OBJECT = re.compile(r"objectName:\s?:?([\w-]{1,127})")
_AADSTS = re.compile(r"\b(AADSTS\d{4,8})\b")
_ASSERTION = re.compile(r"Assertion (Issuer|Subject|Audience): '([^']{1,400})'")
_PRESENTED = re.compile(r"presented assertion (issuer|subject) '([^']{1,400})'")
_SECRET_NAME = re.compile(r"A secret with \(name/id\) ([\w-]{1,127})")
_CLIENT_IP = re.compile(r"Client address:? \(?([0-9a-fA-F.:]{3,45})\)?")
_AAD_DESCRIPTION = re.compile(r"(AADSTS\d{4,8}: [^\"]{1,600}?)(?:\\r\\n|\\\\r\\\\n|\r?\n| Trace ID:|\"|$)")
_KV_ANSWER = re.compile(r"Status=\d{3} Code=\"\w{1,40}\" Message=\"[^\"]{0,1200}\"(?: InnerError=\{[^}]{0,80}\})?")
_OBJECT_PREFIX = re.compile(r"failed to get objectType:\w{1,10}, objectName:\s?:?[\w-]{1,127}")
# The kubelet / driver / provider wrapping, outermost first (the innermost error follows the last one found).
_WRAPPERS = (
    "failed to mount objects, error: ",
    "MountVolume.SetUp failed for volume ",
    "mounter.SetUpAt failed to get CSI client: ",
    "rpc error: code = Unknown desc = ",
)


def classify(message: str) -> MountError:
    """Classify one FailedMount message (or any Key Vault / Entra error text)."""
    text = message or ""
    kind = next((k for k, rx in RULES if rx.search(text)), K.OTHER)
    fields: dict[str, str | None] = {"volume": _group(_VOLUME, text), "aadsts": _group(_AADSTS, text)}
    if kind is K.DNS:
        fields["host"] = _group(_LOOKUP, text)
    fields["object_name"] = _group(_OBJECT, text) or _group(_SECRET_NAME, text)
    fields["client_ip"] = _group(_CLIENT_IP, text) if kind is K.FORBIDDEN_BY_FIREWALL else None
    fields["vault"] = vault_in(text)
    for label, value in _ASSERTION.findall(text) + _PRESENTED.findall(text):
        fields[label.lower()] = value
    return MountError(kind=kind, message=text, **fields)


def vault_in(text: str) -> str | None:
    """The vault a text names: https://NAME.vault.azure.net (or another cloud's), else keyvault="NAME"."""
    url = VAULT_URL.search(text or "")
    if url:
        return url.group(1).lower()
    named = _VAULT_KEY.search(text or "")
    return named.group(1) if named else None


def core(message: str) -> str:
    """The part of a wrapped error that says what went wrong: the AADSTS description, the Key Vault answer
    (Status=... Message=... InnerError=...), or the text after the CSI driver's wrapping."""
    text = message or ""
    aad = _AAD_DESCRIPTION.search(text)
    if aad:
        return aad.group(1)
    kv = _KV_ANSWER.search(text)
    if kv:
        obj = _OBJECT_PREFIX.search(text)
        return (obj.group(0) + ": " if obj else "") + kv.group(0)
    for marker in _WRAPPERS:
        if marker in text:
            text = text.rsplit(marker, 1)[-1]
    return text.strip()


def short(message: str, limit: int = 400) -> str:
    """One line, at most `limit` characters; literal \\r\\n (as KV sends them) become spaces."""
    text = " ".join(message.replace("\\r\\n", " ").replace("\\n", " ").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _group(rx: re.Pattern[str], text: str) -> str | None:
    match = rx.search(text)
    return match.group(1) if match else None
