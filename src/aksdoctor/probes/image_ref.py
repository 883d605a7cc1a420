"""Container image references: parse them as the kubelet and containerd do, and suggest near names.

The grammar follows github.com/distribution/reference (regexp.go, normalize.go, reference.go), which
the kubelet (pkg/util/parsers.ParseImageName -> reference.ParseNormalizedNamed) and containerd's CRI
plugin (reference/docker.ParseDockerRef) both use:

    reference      := name [ ":" tag ] [ "@" digest ]
    name           := [domain "/"] path-component ["/" path-component]*
    domain         := host [":" port-number]
    host           := domain-name | "[" IPv6address "]"
    domain-name    := domain-component ["." domain-component]*
    domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
    path-component := /[a-z0-9]+/ [separator /[a-z0-9]+/]*      separator := /[_.]|__|[-]+/
    tag            := /[\\w][\\w.-]{0,127}/
    digest         := algorithm ":" hex     (sha256: 64, sha384: 96, sha512: 128 lowercase hex)

Docker Hub normalisation is the one of normalize.go splitDockerDomain: the first "/"-separated
component is a registry host when it is "localhost", contains "." or ":", or has an uppercase
letter; otherwise the image is on docker.io, and single-component names get the "library/" prefix.
Pure: no I/O.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ImageRef", "InvalidImageName", "closest", "guess_registry", "parse_image", "registry_host", "repair"]

DOCKER_HUB = "docker.io"
_LEGACY_DOCKER_HUB = "index.docker.io"
_OFFICIAL_PREFIX = "library/"
DEFAULT_TAG = "latest"

# distribution/reference reference.go: RepositoryNameTotalLengthMax.
_PATH_MAX = 255
# Not in the grammar: a cap so that absurd input is rejected before any regular expression runs.
_INPUT_MAX = 4096

# ACR login servers per cloud: public (azurecr.io), Azure China (azurecr.cn), US Government (azurecr.us).
ACR_SUFFIXES = (".azurecr.io", ".azurecr.cn", ".azurecr.us")


class InvalidImageName(ValueError):
    """The image reference is one the kubelet would refuse (Pod status reason InvalidImageName)."""


# --- the grammar, transcribed from distribution/reference regexp.go (re.ASCII: Go's \w is ASCII) ----
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = _ALNUM + r"(?:" + _SEPARATOR + _ALNUM + r")*"
_REMOTE_NAME = _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_NAME = _DOMAIN_COMPONENT + r"(?:\." + _DOMAIN_COMPONENT + r")*"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN_AND_PORT = r"(?:" + _DOMAIN_NAME + r"|" + _IPV6 + r")(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
_NAME = r"(?:" + _DOMAIN_AND_PORT + r"/)?" + _REMOTE_NAME

_REFERENCE_RE = re.compile(
    r"(?P<name>" + _NAME + r")(?::(?P<tag>" + _TAG + r"))?(?:@(?P<digest>" + _DIGEST + r"))?", re.ASCII
)
_IDENTIFIER_RE = re.compile(r"[a-f0-9]{64}", re.ASCII)
# opencontainers/go-digest algorithm.go: the registered algorithms and their encodings.
_DIGEST_ENCODINGS = {
    "sha256": re.compile(r"[a-f0-9]{64}", re.ASCII),
    "sha384": re.compile(r"[a-f0-9]{96}", re.ASCII),
    "sha512": re.compile(r"[a-f0-9]{128}", re.ASCII),
}


@dataclass(frozen=True)
class ImageRef:
    """A parsed, normalised image reference."""

    registry: str  # host[:port]; "docker.io" for Docker Hub short names
    repository: str  # "library/nginx" for "nginx"; "team/web" for "myacr.azurecr.io/team/web:1.2"
    tag: str | None  # None when only a digest is given; "latest" when neither tag nor digest is
    digest: str | None  # "sha256:..."

    @property
    def reference(self) -> str:
        """What is pulled, as it appears after ":" or "@": the digest when there is one, else the tag.

        With both a tag and a digest the runtime pulls by digest (reference.ParseDockerRef drops the tag).
        """
        return self.digest or self.tag or DEFAULT_TAG

    @property
    def host(self) -> str:
        """The registry host name, lower case, without the port."""
        return registry_host(self.registry)

    @property
    def is_acr(self) -> bool:
        """True for an Azure Container Registry login server (public cloud, China or US Government)."""
        return self.host.endswith(ACR_SUFFIXES)

    @property
    def acr_name(self) -> str | None:
        """The registry name ("myacr" for myacr.azurecr.io, also for myacr.westeurope.data.azurecr.io).

        Registry names are alphanumeric only, so anything after a "-" in the first label (the hash a
        domain-name-label scoped login server adds) is not part of the name.
        """
        if not self.is_acr:
            return None
        first = self.host.split(".", 1)[0]
        return first.split("-", 1)[0] or None

    def __str__(self) -> str:
        out = f"{self.registry}/{self.repository}"
        if self.tag:
            out += f":{self.tag}"
        if self.digest:
            out += f"@{self.digest}"
        return out


def registry_host(registry: str) -> str:
    """host[:port] -> host, lower case ("[::1]:5000" -> "[::1]")."""
    registry = registry.strip().lower()
    if registry.startswith("["):
        end = registry.find("]")
        return registry[: end + 1] if end != -1 else registry
    return registry.split(":", 1)[0]


def _split_docker_domain(name: str) -> tuple[str, str]:
    """distribution/reference normalize.go splitDockerDomain: (domain, remainder)."""
    maybe_domain, sep, maybe_remote = name.partition("/")
    if not sep:
        return DOCKER_HUB, _OFFICIAL_PREFIX + name
    if maybe_domain == "localhost" or any(c in maybe_domain for c in ".:") or maybe_domain.lower() != maybe_domain:
        domain, remote = maybe_domain, maybe_remote
    else:
        domain, remote = DOCKER_HUB, name
    if domain == _LEGACY_DOCKER_HUB:
        domain = DOCKER_HUB
    if domain == DOCKER_HUB and "/" not in remote:
        remote = _OFFICIAL_PREFIX + remote
    return domain, remote


def _check_digest(digest: str) -> None:
    algorithm, _, encoded = digest.partition(":")
    pattern = _DIGEST_ENCODINGS.get(algorithm)
    if pattern is None:
        raise InvalidImageName(f"unsupported digest algorithm {algorithm!r}")
    if not pattern.fullmatch(encoded):
        raise InvalidImageName(f"invalid {algorithm} digest {encoded!r}")


def parse_image(image: str) -> ImageRef:
    """Parse an image reference the way the kubelet does, or raise InvalidImageName.

    "nginx" -> docker.io/library/nginx:latest; "myacr.azurecr.io/team/web:1.2" -> registry
    myacr.azurecr.io, repository team/web, tag 1.2.
    """
    if not isinstance(image, str):
        raise InvalidImageName(f"image reference must be a string, not {type(image).__name__}")
    if not image:
        raise InvalidImageName("repository name must have at least one component")
    if len(image) > _INPUT_MAX:
        raise InvalidImageName(f"image reference is {len(image)} characters long")
    if _IDENTIFIER_RE.fullmatch(image):
        raise InvalidImageName(f"invalid repository name ({image}), cannot specify 64-byte hexadecimal strings")
    domain, remainder = _split_docker_domain(image)
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        raise InvalidImageName(f"invalid reference format: repository name ({remote}) must be lowercase")
    match = _REFERENCE_RE.fullmatch(f"{domain}/{remainder}")
    if match is None:
        raise InvalidImageName(f"invalid reference format: {image!r}")
    repository = match.group("name")[len(domain) + 1 :]
    if len(repository) > _PATH_MAX:
        raise InvalidImageName(f"repository name must not be more than {_PATH_MAX} characters")
    tag, digest = match.group("tag"), match.group("digest")
    if digest:
        _check_digest(digest)
    if not tag and not digest:
        tag = DEFAULT_TAG
    return ImageRef(registry=domain, repository=repository, tag=tag, digest=digest)


def guess_registry(image: str) -> str | None:
    """The registry an image names (lower case), even when the reference is invalid; None if unknowable.

    Same host rule as parse_image, without validating the rest ("MyAcr.azurecr.io/Web" ->
    "myacr.azurecr.io", "https://harbor.example.com/app:1" -> "harbor.example.com").
    """
    if not isinstance(image, str) or not image.strip() or len(image) > _INPUT_MAX:
        return None
    image = image.strip()
    if any(c.isspace() for c in image):
        return None
    with contextlib.suppress(InvalidImageName):
        return parse_image(image).registry.lower()
    scheme, sep, rest = image.partition("://")
    if sep and scheme.isalpha():  # "https://harbor.example.com/app:1" is invalid, but names a host
        image = rest
    if image.startswith("/"):
        return None
    return _split_docker_domain(image)[0].lower()


# --- suggestions ------------------------------------------------------------------------------------
_VERSION_LIKE = re.compile(r"v?\d+(?:[._-]\d+)*(?:[-+._~][0-9A-Za-z][0-9A-Za-z._+~-]*)?", re.ASCII)
_NUMBER = re.compile(r"\d+", re.ASCII)
_FAR = 10**18  # "no comparable number": sorts after any real difference


def _numbers(text: str) -> list[int]:
    # Cap each digit run: int() of thousands of digits is slow (and limited since Python 3.11).
    return [int(run[:18]) for run in _NUMBER.findall(text)]


def _ratio(a: str, b: str) -> float:
    import difflib  # only when a tag or repository is missing: a name to suggest

    return difflib.SequenceMatcher(None, a.lower(), b.lower(), autojunk=False).ratio()


def _version_key(name_numbers: list[int], candidate: str) -> tuple[int, int]:
    """(-leading numbers in common, distance at the first number that differs)."""
    numbers = _numbers(candidate)
    shared = 0
    for mine, theirs in zip(name_numbers, numbers, strict=False):
        if mine != theirs:
            break
        shared += 1
    if shared < len(name_numbers) and shared < len(numbers):
        distance = abs(name_numbers[shared] - numbers[shared])
    elif shared == len(name_numbers) == len(numbers):
        distance = 0
    else:
        distance = _FAR
    return -shared, distance


def closest(name: str, candidates: Iterable[str], *, n: int = 5) -> list[str]:
    """The candidates nearest to name, closest first (at most n, no duplicates, deterministic).

    Plain names are ranked by difflib similarity. When name looks like a version ("v1.2.4", "1.4.2",
    "2024.01.05-alpine"), candidates with numbers come first, ranked by how many leading numbers they
    share with it and then by how far the first differing number is, so "v1.2.3" and "v1.2.5" rank
    before "v1.3.0", which ranks before "latest". Ties break on similarity, then alphabetically.
    """
    if n <= 0:
        return []
    if not isinstance(name, str):
        name = ""
    unique = list(dict.fromkeys(c for c in candidates if isinstance(c, str)))
    ratios = {c: _ratio(name, c) for c in unique}
    if _VERSION_LIKE.fullmatch(name):
        name_numbers = _numbers(name)

        def key(c: str) -> tuple[int, int, int, float, str]:
            if not _NUMBER.search(c):
                return (1, 0, 0, -ratios[c], c)
            shared, distance = _version_key(name_numbers, c)
            return (0, shared, distance, -ratios[c], c)

        return sorted(unique, key=key)[:n]
    return sorted(unique, key=lambda c: (-ratios[c], c))[:n]


# --- repairs ----------------------------------------------------------------------------------------
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_BARE_HEX = re.compile(r"[a-f0-9]{64}|[a-f0-9]{96}|[a-f0-9]{128}", re.ASCII)


def repair(image: str) -> tuple[str, list[str]] | None:
    """The valid reference an invalid one most likely means, and what was changed; None when no visible
    mistake explains it (or the repair is still invalid).

    Repairs: surrounding spaces; a URL scheme (https://); a trailing slash; upper case in the registry or
    repository (tags may hold upper case); a digest written as a tag (`:sha256:...`) or without its algorithm
    (`@<64 hex>`); a tag after the digest (`@sha256:...:1.2` -> `:1.2@sha256:...`).
    """
    if not isinstance(image, str) or not image.strip() or len(image) > _INPUT_MAX:
        return None
    changes: list[str] = []
    text = image.strip()
    if text != image:
        changes.append("surrounding spaces removed")
    if _SCHEME.match(text):
        changes.append(f"scheme {text.split('://', 1)[0]}:// removed (an image reference is not a URL)")
        text = _SCHEME.sub("", text, count=1)
    if text.endswith("/"):
        text = text.rstrip("/")
        changes.append("trailing slash removed")
    name, digest = text, ""
    if "@" in text:
        name, _, digest = text.partition("@")
        if ":" in digest and digest.count(":") == 2:  # sha256:<hex>:tag
            algorithm, hex_, tag = digest.split(":")
            digest = f"{algorithm}:{hex_}"
            name = f"{name}:{tag}" if ":" not in name.rsplit("/", 1)[-1] else name
            changes.append("tag moved before the digest (name:tag@sha256:...)")
        elif _BARE_HEX.fullmatch(digest.lower()):
            algorithm = {64: "sha256", 96: "sha384", 128: "sha512"}[len(digest)]
            digest = f"{algorithm}:{digest.lower()}"
            changes.append(f"digest algorithm {algorithm}: added")
    else:
        last = name.rsplit("/", 1)[-1]
        parts = last.split(":")
        if len(parts) == 3 and parts[1] in _DIGEST_ENCODINGS:  # name:sha256:<hex>, a digest written as a tag
            name = name[: len(name) - len(last)] + parts[0]
            digest = f"{parts[1]}:{parts[2]}"
            changes.append("digest written after '@', not ':'")
    # lower-case the registry and repository; the tag keeps its case
    head, sep, last = name.rpartition("/")
    base, colon, tag = last.partition(":")
    lowered = f"{head}{sep}{base}".lower()
    if lowered != f"{head}{sep}{base}":
        changes.append("registry and repository lower-cased")
    candidate = lowered + (colon + tag if colon else "") + (f"@{digest.lower()}" if digest else "")
    if not changes:
        return None
    try:
        parse_image(candidate)
    except InvalidImageName:
        return None
    return candidate, changes
