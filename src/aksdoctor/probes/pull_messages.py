"""Classify the kubelet / container runtime texts that say why an image pull failed.

Inputs are Pod ``status.containerStatuses[*].state.waiting.message`` values and Event messages with
reason Failed / ErrImagePull / BackOff / FailedToRetrieveImagePullSecret. The same failure is worded
differently by each layer and version, so the patterns look for the innermost cause, not the wrapping:

* kubelet (pkg/kubelet/images/image_manager.go): ``Failed to pull image "X": <runtime error>``,
  ``Back-off pulling image "X"`` (since Kubernetes 1.32 followed by ``: ErrImagePull: <previous
  error>``, kubernetes/kubernetes#127918), ``Failed to apply default image tag "X": couldn't parse
  image name|reference "X": invalid reference format...`` (InvalidImageName). When several
  credentials were tried the kubelet joins the errors as ``[err1, err2]`` (utilerrors.NewAggregate).
* containerd CRI (pkg/cri/server/image_pull.go, remotes/docker/resolver.go, authorizer.go):
  ``rpc error: code = NotFound|Unknown desc = failed to pull and unpack image "X": failed to resolve
  reference "X": <cause>``, newer kubelets drop the ``rpc error`` wrapper.
* dockershim / Docker: ``Error response from daemon: ...``; CRI-O: ``Error reading manifest T in R:
  manifest unknown``.

Aggregated messages are split into their parts, each part is classified with the ordered table
``RULES`` (first match wins), and the most informative part (``INFORMATIVENESS``) decides. Pure
stdlib, no I/O; every regular expression is bounded so that any input is classified in linear time.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from .image_ref import guess_registry

__all__ = ["INFORMATIVENESS", "RULES", "PullError", "PullErrorKind", "classify", "most_specific"]


class PullErrorKind(str, Enum):
    """Why a pull failed; the values are the runbook branch names."""

    NOT_FOUND = "not-found"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    IP_NOT_ALLOWED = "ip-not-allowed"
    DNS = "dns"
    TIMEOUT = "timeout"
    CONNECTION_REFUSED = "connection-refused"
    RATE_LIMITED = "rate-limited"
    TLS = "tls"
    PLATFORM = "platform"
    PULL_SECRET_MISSING = "pull-secret-missing"
    INVALID_NAME = "invalid-name"
    BACKOFF = "backoff"
    OTHER = "other"


K = PullErrorKind


@dataclass(frozen=True)
class PullError:
    """One classified message."""

    kind: PullErrorKind
    message: str  # the original message, unchanged
    image: str | None  # the image the message quotes (Failed to pull image "<here>"), if any
    host: str | None  # the registry host the failure was about (from the message, else from the image)
    ip: str | None  # dialled IP (timeout, refused), client IP (ip-not-allowed) or DNS server IP (dns)
    status: int | None  # HTTP status when the message names one (401, 403, 404, 429, ...)
    private_ip: bool  # ip is RFC 1918 (or IPv6 unique-local); False when there is no ip


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# The ordered table: for one error (one part of an aggregate) the first matching row wins. Rows are
# literal phrases or bounded patterns only (no unbounded ".*" between two phrases).
RULES: tuple[tuple[PullErrorKind, re.Pattern[str]], ...] = (
    # kubelet pkg/kubelet/kubelet_pods.go getPullSecretsForPod, Event FailedToRetrieveImagePullSecret;
    # kubernetes.io docs tasks/configure-pod-container/pull-image-private-registry.
    (K.PULL_SECRET_MISSING, _rx(r"Unable to retrieve some image pull secrets")),
    # containerd remotes/docker/fetcher.go + core/remotes/handlers.go: a layer or config blob the manifest
    # names is missing from the registry ("could not fetch content descriptor sha256:... (application/
    # vnd.docker.image.rootfs.diff.tar.gzip) from remote: not found"; Esri/arcgis-gitops#168, an ACR
    # artifact-cache repository). The manifest was found: this is not "tag not found", and no branch
    # covers it, so it must not outrank the other parts of an aggregate.
    (K.OTHER, _rx(r"could not fetch content descriptor [a-z0-9]{1,16}:[a-f0-9]{32,128} \([^)]{0,160}\) from remote")),
    # kubelet image_manager.go applyDefaultImageTag / pkg/util/parsers ParseImageName (Event
    # InspectFailed, reason InvalidImageName); distribution/reference errors.go ErrReferenceInvalidFormat,
    # ErrNameContainsUppercase.
    (
        K.INVALID_NAME,
        _rx(
            r"Failed to apply default image tag|couldn't parse image (?:name|reference)"
            r"|invalid reference format|\bInvalidImageName\b|repository name must be lowercase"
            r"|cannot specify 64-byte hexadecimal strings"
        ),
    ),
    # containerd images.ErrNoMatch via CRI pull ("no match for platform in manifest: not found"),
    # MicrosoftDocs SupportArticles cannot-pull-image-from-acr-to-aks-cluster (Cause 1b, Cause 5);
    # moby daemon "image operating system "linux" cannot be used on this platform" (docker/for-win#2135)
    # and "no matching manifest for linux/arm64/v8 in the manifest list entries".
    # ("exec format error" is a start failure, not a pull failure: it is deliberately absent.)
    (
        K.PLATFORM,
        _rx(
            r"no match for platform in manifest|image operating system \\?\"?[\w./-]{0,32}\\?\"? cannot be "
            r"used"
            r"|no matching manifest for \S{1,64} in the manifest list|does not match the specified platform"
        ),
    ),
    # ACR firewall: 'denied: client with IP '<ip>' is not allowed access. Refer https://aka.ms/acr/firewall'
    # (SupportArticles cannot-pull-image-from-acr-to-aks-cluster; Azure/acr#633; JSON-escaped \u0027
    # quotes in docker/build-push-action#1214).
    (K.IP_NOT_ALLOWED, _rx(r"client with IP \S{1,80} is not allowed access|aka\.ms/acr/firewall")),
    # Docker Hub "toomanyrequests: You have reached your pull rate limit" (docs.docker.com
    # docker-hub/usage), containerd "429 Too Many Requests" (kata-containers#10109), old docker
    # "Status 429" (kubernetes#9534), kubelet registryPullQPS "pull QPS exceeded" (SupportArticles Cause 6).
    (
        K.RATE_LIMITED,
        _rx(
            r"toomanyrequests|pull rate limit|\b429 Too Many Requests|\b(?:status|HTTP)(?: code)?[:=]? ?429\b"
            r"|pull QPS exceeded|rate limit exceeded"
        ),
    ),
    # Go net resolver errors: "dial tcp: lookup <host> on <dns>:53: no such host | server misbehaving |
    # read udp ...: i/o timeout | read: connection refused" (istio/community#25, azure-aci#65,
    # minikube#15626, kitematic#1635). Must precede TIMEOUT and CONNECTION_REFUSED.
    (
        K.DNS,
        _rx(
            r"no such host|server misbehaving|Temporary failure in name resolution|Name or service not known"
            r"|dial (?:tcp|udp)[46]?: lookup\b|\blookup \S{1,253} on \S{1,64}:53\b"
            r"|(?:dial (?:tcp|udp)[46]? |->)\S{1,64}:53: "
        ),
    ),
    # Go crypto/tls and crypto/x509 errors: "tls: failed to verify certificate: x509: certificate signed
    # by unknown authority" (cnoe-io/idpbuilder#520, kubernetes#43924), "x509: certificate has expired or
    # is not yet valid" (horizon-sdv#8); plain-HTTP registry "http: server gave HTTP response to HTTPS
    # client" (enix/kube-image-keeper#60). "TLS handshake timeout" is a TIMEOUT, matched below.
    (
        K.TLS,
        _rx(
            r"\bx509: |tls: failed to verify|certificate signed by unknown authority|certificate has expired"
            r"|certificate is not valid|certificate is valid for|tls: bad certificate|remote error: tls:"
            r"|server gave HTTP response to HTTPS client|does not look like a TLS handshake"
        ),
    ),
    # Go syscall ECONNREFUSED "dial tcp <ip>:443: connect: connection refused" (containerd/nerdctl#2143,
    # kubernetes/registry.k8s.io#306); Windows "connectex: No connection could be made" (moby#37127).
    (K.CONNECTION_REFUSED, _rx(r"connection refused|actively refused|No connection could be made")),
    # "dial tcp <ip>:443: i/o timeout" (SupportArticles Cause 4), "connect: connection timed out"
    # (kubernetes/kubeadm#2936), "net/http: TLS handshake timeout" (SupportArticles Cause 7),
    # "request canceled while waiting for connection (Client.Timeout exceeded ...)" (minikube#6352).
    # Windows WSAETIMEDOUT "connectex: ... did not properly respond after a period of time". An
    # unreachable network path (no route, network unreachable) takes the same branch: routes/firewall.
    (
        K.TIMEOUT,
        _rx(
            r"i/o timeout|connection timed out|TLS handshake timeout|Client\.Timeout exceeded"
            r"|request canceled while waiting for connection|timeout awaiting response headers"
            r"|no route to host|network is unreachable|did not properly respond after a period of time"
        ),
    ),
    # HTTP 403 (ACR: public access disabled / firewall, private DNS zone not linked; storage firewall
    # "AuthorizationFailure" for blobs): "failed to fetch anonymous token: unexpected status: 403
    # Forbidden" (SupportArticles Cause 3), "error parsing HTTP 403 response body" (Azure/AKS#1383),
    # containerd remotes/errors ErrUnexpectedStatus "unexpected status from HEAD request to <url>: 403".
    (
        K.FORBIDDEN,
        _rx(r"\b403 Forbidden\b|\b(?:status|HTTP)(?: code)?[:=]? ?403\b|\bAuthorizationFailure\b"),
    ),
    # HTTP 401 and registry auth denials: containerd authorizer.go "failed to fetch oauth|anonymous
    # token: unexpected status: 401 Unauthorized" (SupportArticles Cause 1), resolver.go "pull access
    # denied, repository does not exist or may require authorization: server message:
    # insufficient_scope: authorization failed" (hystax/optscale#661), Docker "unauthorized:
    # authentication required" (kubernetes#92326), "no basic auth credentials", Docker Hub "denied:
    # requested access to the resource is denied" (kubernetes/minikube#20613).
    (
        K.UNAUTHORIZED,
        _rx(
            r"\b401 Unauthorized\b|\b(?:status|HTTP)(?: code)?[:=]? ?401\b|\bunauthorized\b"
            r"|authentication required|pull access denied|may require (?:authorization|'docker login')"
            r"|no basic auth credentials|insufficient_scope|requested access to the resource is denied"
            r"|incorrect username or password"
        ),
    ),
    # Tag / manifest / repository missing: containerd "<ref>: not found" (errdefs.ErrNotFound,
    # SupportArticles Cause 2), registry "manifest unknown" / "NAME_UNKNOWN" (distribution spec error
    # codes), Docker "manifest for X not found: manifest unknown" (lachie83/k8s-kubectl#157), ACR
    # "manifest tagged by "T" is not found", CRI-O "Error reading manifest T in R: manifest unknown"
    # (cri-o#4388), old Docker "Tag T not found in repository" (kubernetes#25356).
    (
        K.NOT_FOUND,
        _rx(
            r": not found\b|manifest unknown|\bmanifest for \S{1,512} not found|manifest tagged by"
            r"|repository does not exist|name unknown|repository name not known|\bTag \S{1,128} not found"
            r"|\b404 Not Found\b|\b(?:status|HTTP)(?: code)?[:=]? ?404\b"
        ),
    ),
    # Weak fallbacks, only when nothing above matched: the gRPC code alone.
    (K.NOT_FOUND, _rx(r"\bcode = NotFound\b")),
    (K.TIMEOUT, _rx(r"\bcode = DeadlineExceeded\b|context deadline exceeded")),
)

# most_specific() and aggregates keep the first kind in this order (most informative first):
#  1. invalid-name: the kubelet refused the reference; no registry was contacted.
#  2. platform: the registry served the manifest; only the architecture/OS is wrong.
#  3. not-found: an authenticated registry answered that the tag/repository is missing (an anonymous
#     retry often adds a misleading 401 next to it: SupportArticles Cause 2 note, Azure/AKS#4052).
#  4-7. the other answers from the registry: ip-not-allowed, forbidden, unauthorized, rate-limited.
#  8-11. the connection failed before any answer: tls, dns, connection-refused, timeout.
#  12. pull-secret-missing: a warning that accompanies the real failure.
#  13. other: a message we could not classify; 14. backoff: carries no cause at all.
INFORMATIVENESS: tuple[PullErrorKind, ...] = (
    K.INVALID_NAME,
    K.PLATFORM,
    K.NOT_FOUND,
    K.IP_NOT_ALLOWED,
    K.FORBIDDEN,
    K.UNAUTHORIZED,
    K.RATE_LIMITED,
    K.TLS,
    K.DNS,
    K.CONNECTION_REFUSED,
    K.TIMEOUT,
    K.PULL_SECRET_MISSING,
    K.OTHER,
    K.BACKOFF,
)
_RANK = {kind: i for i, kind in enumerate(INFORMATIVENESS)}

# kubelet image_manager.go: 'Back-off pulling image "X"' and, since 1.32, ': <ErrName>: <previous error>'.
_BACKOFF_RE = re.compile(r"\s*Back-off pulling image \\?\"([^\"\\\n]{0,2048})\\?\"(.*)", re.IGNORECASE | re.DOTALL)
_ERROR_NAME_RE = re.compile(
    r"\s*:?\s*(?:(?:ErrImagePull|ImagePullBackOff|RegistryUnavailable|SignatureValidationFailed)\s*:\s*)?"
)
# kubelet Event "Error: ErrImagePull" / "Error: ImagePullBackOff": the reason alone, no cause.
_BARE_REASON_RE = re.compile(r"\s*(?:Error:\s*)?(?:ErrImagePull|ImagePullBackOff)\s*", re.IGNORECASE)

# Aggregates: kubelet "[err1, err2]" and containerd "err1, err2"; split before a new error's start.
_SPLIT_RE = re.compile(
    r",\s*(?=rpc error:|failed to pull and unpack image|failed to pull image|failed to resolve"
    r"|failed to copy|failed to do request|Error response from daemon|error pulling image|image pull failed)",
    re.IGNORECASE,
)

# Where the image is quoted, most trusted first (the kubelet quotes the Pod's spec.image verbatim).
_IMAGE_RES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"Failed to pull image \\?\"([^\"\\\s]{1,1024})\\?\"",
        r"Back-off pulling image \\?\"([^\"\\\s]{1,1024})\\?\"",
        r"Failed to apply default image tag \\?\"([^\"\\\s]{1,1024})\\?\"",
        r"image pull failed for (\S{1,1024}) because",
        r"failed to pull and unpack image \\?\"([^\"\\\s]{1,1024})\\?\"",
        r"failed to resolve (?:reference|image) \\?\"([^\"\\\s]{1,1024})\\?\"",
        r"\bmanifest for (\S{1,1024}) not found",
        r"pull access denied for ([^\s,]{1,1024}),",
    )
)

_IPV4 = r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}"
_IPV6 = r"\[[0-9A-Fa-f:.]{2,64}\]"
_DIAL_IP_RE = re.compile(r"(?:dial (?:tcp|udp)[46]? |->)(" + _IPV4 + "|" + _IPV6 + r"):([0-9]{1,5})")
_CLIENT_IP_RE = re.compile(r"client with IP (?:'|\\u0027|\\?\")([0-9A-Fa-f:.]{2,64})", re.IGNORECASE)
_LOOKUP_RE = re.compile(r"\blookup ([A-Za-z0-9][A-Za-z0-9.-]{0,252})(?::| on (" + _IPV4 + "|" + _IPV6 + r"):53\b)")
# A request URL (method/"request to"/"status code" before it, or a registry API path after it).
_URL_RE = re.compile(
    r"(?:(HEAD|GET|POST|PUT|PATCH|request to|status code)\s{1,4}\\?\"?)?https?://"
    r"([A-Za-z0-9][A-Za-z0-9.-]{0,252}(?::[0-9]{1,5})?|" + _IPV6 + r"(?::[0-9]{1,5})?)(/[^\s\"\\]{0,256})?",
    re.IGNORECASE,
)
_API_PATH_RE = re.compile(r"/(?:v2|v1|oauth2|token|auth|service/token)\b|/docker/registry/v2/")
_STATUS_RE = re.compile(
    r"\b([45][0-9]{2}) (?:Unauthorized|Forbidden|Not Found|Too Many Requests|Bad Request|Bad Gateway"
    r"|Gateway Timeout|Service Unavailable|Internal Server Error|Method Not Allowed)\b"
    r"|\b(?:status|HTTP)(?: code)?[:=]? ?([45][0-9]{2})\b",
    re.IGNORECASE,
)
_CRIO_REPO_RE = re.compile(r"reading manifest \S{1,256} in ([^\s:]{1,512})", re.IGNORECASE)

_PRIVATE_NETS = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))


def _kind_of(part: str) -> PullErrorKind:
    for kind, pattern in RULES:
        if pattern.search(part):
            return kind
    return K.OTHER


def _parts(message: str) -> list[str]:
    return [p for p in _SPLIT_RE.split(message) if p.strip()] or [message]


def _image(message: str) -> str | None:
    for pattern in _IMAGE_RES:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return None


def _normal_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        return None


def _is_private(ip: str | None) -> bool:
    if ip is None:
        return False
    addr = ipaddress.ip_address(ip)
    return any(addr.version == net.version and addr in net for net in _PRIVATE_NETS)


def _ip(kind: PullErrorKind, part: str) -> str | None:
    if kind is K.IP_NOT_ALLOWED:
        found = [m.group(1) for m in _CLIENT_IP_RE.finditer(part)]
    elif kind is K.DNS:  # the DNS server asked, from the lookup or else from the dial to port 53
        found = [m.group(2) for m in _LOOKUP_RE.finditer(part) if m.group(2)]
        found = found or [m.group(1) for m in _DIAL_IP_RE.finditer(part) if m.group(2) == "53"]
    else:
        found = [m.group(1) for m in _DIAL_IP_RE.finditer(part)]
    for candidate in reversed(found):  # the innermost cause is the last one
        ip = _normal_ip(candidate)
        if ip:
            return ip
    return None


def _url_host(part: str) -> str | None:
    host = None
    for match in _URL_RE.finditer(part):
        verb, netloc, path = match.group(1), match.group(2), match.group(3) or ""
        if verb or _API_PATH_RE.match(path):
            host = netloc.lower()
    return host


def _host(kind: PullErrorKind, part: str, message: str, image: str | None) -> str | None:
    if kind is K.DNS:
        looked_up = [m.group(1).lower().rstrip(".") for m in _LOOKUP_RE.finditer(part)]
        if looked_up:
            return looked_up[-1]
    host = _url_host(part)
    if host:
        return host
    if image:
        host = guess_registry(image)
        if host:
            return host.lower()
    crio = _CRIO_REPO_RE.search(message)
    if crio:
        return guess_registry(crio.group(1))
    return None


def _status(part: str) -> int | None:
    codes = [int(m.group(1) or m.group(2)) for m in _STATUS_RE.finditer(part)]
    return codes[-1] if codes else None


def _build(kind: PullErrorKind, part: str, message: str, image: str | None) -> PullError:
    ip = _ip(kind, part)
    return PullError(
        kind=kind,
        message=message,
        image=image,
        host=_host(kind, part, message, image),
        ip=ip,
        status=_status(part),
        private_ip=_is_private(ip),
    )


def _classify_text(text: str, message: str, image: str | None) -> PullError:
    parts = _parts(text)
    kinds = [_kind_of(p) for p in parts]
    best = min(range(len(parts)), key=lambda i: _RANK[kinds[i]])
    return _build(kinds[best], parts[best], message, image)


def classify(message: str) -> PullError:
    """Classify one pull-failure message. Never raises; unknown texts are PullErrorKind.OTHER."""
    if not isinstance(message, str):
        message = "" if message is None else str(message)
    image = _image(message)
    backoff = _BACKOFF_RE.fullmatch(message)
    if backoff:
        cause = backoff.group(2)
        cause = cause[_ERROR_NAME_RE.match(cause).end() :]  # type: ignore[union-attr]  # always matches
        if not cause.strip():
            return _build(K.BACKOFF, "", message, image)
        return _classify_text(cause, message, image)
    if _BARE_REASON_RE.fullmatch(message):
        return _build(K.BACKOFF, "", message, image)
    return _classify_text(message, message, image)


def most_specific(errors: Iterable[PullError]) -> PullError | None:
    """The most informative error (order: INFORMATIVENESS); the first one seen wins a tie.

    A missing pull secret is only a warning next to the real failure, so any answer from the registry
    or the network beats it; BACKOFF and OTHER lose to everything else.
    """
    best: PullError | None = None
    for error in errors:
        if best is None or _RANK[error.kind] < _RANK[best.kind]:
            best = error
    return best
