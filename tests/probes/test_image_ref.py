"""Image reference parsing (distribution/reference grammar) and name suggestions."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aksdoctor.probes.image_ref import (
    ImageRef,
    InvalidImageName,
    closest,
    guess_registry,
    parse_image,
    registry_host,
)

SHA = "sha256:" + "0123456789abcdef" * 4
OTHER_SHA = "sha256:" + "fedcba9876543210" * 4


# Expected results follow distribution/reference normalize_test.go / reference_test.go behaviour
# (github.com/distribution/reference) and containerd's ParseDockerRef normalisation.
@pytest.mark.parametrize(
    ("image", "registry", "repository", "tag", "digest"),
    [
        ("nginx", "docker.io", "library/nginx", "latest", None),
        ("nginx:1.25.3", "docker.io", "library/nginx", "1.25.3", None),
        ("library/nginx", "docker.io", "library/nginx", "latest", None),
        ("docker.io/nginx", "docker.io", "library/nginx", "latest", None),
        ("index.docker.io/nginx:1.25", "docker.io", "library/nginx", "1.25", None),
        ("docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest", None),
        ("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", None),
        ("myacr.azurecr.io/team/web:1.2", "myacr.azurecr.io", "team/web", "1.2", None),
        ("myacr.azurecr.io/shop/web", "myacr.azurecr.io", "shop/web", "latest", None),
        ("mcr.microsoft.com/dotnet/aspnet:8.0", "mcr.microsoft.com", "dotnet/aspnet", "8.0", None),
        ("ghcr.io/org/app:v1.2.3-rc.1", "ghcr.io", "org/app", "v1.2.3-rc.1", None),
        ("localhost:5000/x", "localhost:5000", "x", "latest", None),
        ("localhost/x:dev", "localhost", "x", "dev", None),
        ("registry:5000/team/app:1", "registry:5000", "team/app", "1", None),
        ("[::1]:5000/foo:bar", "[::1]:5000", "foo", "bar", None),
        ("10.1.2.3:5000/app", "10.1.2.3:5000", "app", "latest", None),
        # An uppercase first component is a domain (normalize.go splitDockerDomain).
        ("Registry.Example.com/app", "Registry.Example.com", "app", "latest", None),
        ("Myregistry/app", "Myregistry", "app", "latest", None),
        ("a__b/c--d/e.f_g:T_1.x-y", "docker.io", "a__b/c--d/e.f_g", "T_1.x-y", None),
        (f"myacr.azurecr.io/web@{SHA}", "myacr.azurecr.io", "web", None, SHA),
        (f"myacr.azurecr.io/web:1.4.2@{SHA}", "myacr.azurecr.io", "web", "1.4.2", SHA),
        (f"busybox@{SHA}", "docker.io", "library/busybox", None, SHA),
        # Not a domain (no "." or ":"): Docker Hub namespace, as splitDockerDomain decides.
        ("myacr/web:1", "docker.io", "myacr/web", "1", None),
        # Single component with a dot is still a Docker Hub name (normalize.go FIXME).
        ("myacr.azurecr.io", "docker.io", "library/myacr.azurecr.io", "latest", None),
        # Not a valid domain but a valid path: Parse accepts it, the runtime uses the first component
        # as the host (containerd reference.Spec.Hostname), so that is the registry reported.
        ("my_host.io/x", "my_host.io", "x", "latest", None),
    ],
)
def test_parse_image(image: str, registry: str, repository: str, tag: str | None, digest: str | None) -> None:
    ref = parse_image(image)
    assert ref == ImageRef(registry=registry, repository=repository, tag=tag, digest=digest)


@pytest.mark.parametrize(
    "image",
    [
        "",
        "nginx:",
        ":latest",
        "@" + SHA,
        "NGINX",
        "Nginx:1.0",
        "myacr.azurecr.io/Team/web:1",  # kubelet: "repository name (Team/web) must be lowercase"
        "my acr.azurecr.io/web",
        "nginx latest",
        " nginx",
        "nginx\n",
        "https://harbor.k8s.mybank/release/name:1.1.0",  # jupyterhub/zero-to-jupyterhub-k8s#472
        "/cloudfoundry/75f129a0:a28a05709747",  # cloudfoundry-incubator/kubecf#63
        # darklang/dark#454
        "gcr.io/balmy-ground-195100/dark-gcp:gcr.io/balmy-ground-195100/dark-gcp:8e32134",
        "None:None",  # jupyterhub/zero-to-jupyterhub-k8s#472
        "x@sha256:abc",
        "x@sha256:" + "0123456789abcdef" * 2 + "01",  # valid syntax, wrong sha256 length
        "x@sha256:" + "0123456789ABCDEF" * 4,  # go-digest wants lowercase hex
        "x@md5:" + "0123456789abcdef" * 2,  # unsupported algorithm
        "0123456789abcdef" * 4,  # a bare 64-hex identifier is refused
        "nginx:" + "a" * 129,  # tags are at most 128 characters
        "x/" + "a" * 255,  # repository path longer than 255
        "-nginx",
        "nginx-",
        "a//b",
        "a/b/",
        "gcr.io/x:tag:tag",
        "localhost:/x",
        "ngïnx",
        "nginx:tag with space",
        "x" * 5000,
    ],
)
def test_parse_image_rejects(image: str) -> None:
    with pytest.raises(InvalidImageName):
        parse_image(image)


def test_invalid_image_name_is_a_value_error() -> None:
    assert issubclass(InvalidImageName, ValueError)
    with pytest.raises(ValueError):
        parse_image("UPPER")


def test_parse_image_rejects_non_strings() -> None:
    with pytest.raises(InvalidImageName):
        parse_image(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidImageName):
        parse_image(b"nginx")  # type: ignore[arg-type]


def test_tag_length_boundary() -> None:
    assert parse_image("nginx:" + "a" * 128).tag == "a" * 128
    assert parse_image("x/" + "a" * 253).repository == "x/" + "a" * 253


@pytest.mark.parametrize(
    ("image", "reference"),
    [
        ("nginx", "latest"),
        ("nginx:1.25", "1.25"),
        (f"nginx@{SHA}", SHA),
        (f"nginx:1.25@{SHA}", SHA),  # with both, the runtime pulls by digest
    ],
)
def test_reference(image: str, reference: str) -> None:
    assert parse_image(image).reference == reference


@pytest.mark.parametrize(
    ("image", "is_acr", "acr_name"),
    [
        ("myacr.azurecr.io/shop/web:1.4.2", True, "myacr"),
        ("MyAcr.AzureCR.io/shop/web", True, "myacr"),
        ("myacr.azurecr.io:443/shop/web", True, "myacr"),
        ("myacr.westeurope.data.azurecr.io/shop/web", True, "myacr"),
        ("myacr.privatelink.azurecr.io/shop/web", True, "myacr"),
        ("contosoacr.azurecr.cn/app", True, "contosoacr"),
        ("contosoacr.azurecr.us/app", True, "contosoacr"),
        ("contoso-abc123hash.azurecr.io/app", True, "contoso"),  # domain-name-label hash suffix
        ("nginx", False, None),
        ("mcr.microsoft.com/dotnet/aspnet:8.0", False, None),
        ("myacr.azurecr.io.evil.example.com/app", False, None),
        ("azurecr.io/app", False, None),
        ("localhost:5000/app", False, None),
    ],
)
def test_acr(image: str, is_acr: bool, acr_name: str | None) -> None:
    ref = parse_image(image)
    assert ref.is_acr is is_acr
    assert ref.acr_name == acr_name


def test_str_round_trips() -> None:
    for image in ["nginx", f"myacr.azurecr.io/web:1.4.2@{SHA}", "[::1]:5000/foo:bar", f"busybox@{OTHER_SHA}"]:
        ref = parse_image(image)
        assert parse_image(str(ref)) == ref


@pytest.mark.parametrize(
    ("registry", "host"),
    [("myacr.azurecr.io", "myacr.azurecr.io"), ("Reg.IO:5000", "reg.io"), ("[::1]:5000", "[::1]")],
)
def test_registry_host(registry: str, host: str) -> None:
    assert registry_host(registry) == host


@pytest.mark.parametrize(
    ("image", "registry"),
    [
        ("myacr.azurecr.io/shop/web:1.4.2", "myacr.azurecr.io"),
        ("nginx", "docker.io"),
        ("MyAcr.azurecr.io/Shop/Web:1.4.2", "myacr.azurecr.io"),
        ("https://harbor.k8s.mybank/release/name:1.1.0", "harbor.k8s.mybank"),
        ("None:None", "docker.io"),
        ("/cloudfoundry/75f129a0:a28a05709747", None),
        ("index.docker.io/Foo", "docker.io"),
        ("", None),
        ("has space/x", None),
    ],
)
def test_guess_registry(image: str, registry: str | None) -> None:
    assert guess_registry(image) == registry


# --- closest ------------------------------------------------------------------------------------------


def test_closest_prefers_neighbouring_versions_over_latest() -> None:
    tags = ["latest", "v1.2.5", "main", "v1.3.0", "v1.2.3", "v2.0.0", "v1.2.10", "stable"]
    result = closest("v1.2.4", tags, n=10)
    assert result[:2] == ["v1.2.3", "v1.2.5"]
    assert result.index("v1.2.10") < result.index("v1.3.0") < result.index("v2.0.0") < result.index("latest")
    assert set(result[-3:]) == {"latest", "main", "stable"}


def test_closest_versions_without_prefix_and_suffixes() -> None:
    tags = ["1.4.1", "1.4.3", "1.4.2-alpine", "latest", "2.0.0", "1.5.0"]
    result = closest("1.4.2", tags, n=3)
    assert result[0] == "1.4.2-alpine"
    assert set(result[1:]) == {"1.4.1", "1.4.3"}


def test_closest_plain_names() -> None:
    pods = ["web-7d9f8c6b5-4xkz2", "api-5c6d7e8f9-abcde", "worker-0", "web-7d9f8c6b5-q2w3e"]
    result = closest("web-7d9f8c6b5-4xkz3", pods, n=2)
    assert result[0] == "web-7d9f8c6b5-4xkz2"
    assert result[1] == "web-7d9f8c6b5-q2w3e"
    assert closest("nginx", ["redis", "nginx-ingress", "ngnix"]) == ["ngnix", "nginx-ingress", "redis"]
    assert closest("shop/web", ["team/web", "shop/webb", "shop/web-api"], n=2) == [
        "shop/webb",
        "shop/web-api",
    ]


def test_closest_is_deterministic_and_deduplicated() -> None:
    tags = ["b", "a", "c", "a", "b"]
    first = closest("x", tags)
    assert first == closest("x", list(reversed(tags)))
    assert sorted(first) == ["a", "b", "c"]
    assert closest("v1.0.1", ["v1.0.2", "v1.0.0"]) == ["v1.0.0", "v1.0.2"]


def test_closest_limits() -> None:
    assert closest("a", ["a", "b", "c"], n=0) == []
    assert closest("a", [], n=3) == []
    assert len(closest("a", [str(i) for i in range(20)])) == 5
    assert closest("a", iter(["a", "b"]), n=1) == ["a"]
    assert closest("v1", ["v" + "9" * 5000, "v2"]) == ["v2", "v" + "9" * 5000]


# --- properties ---------------------------------------------------------------------------------------

_GRAMMAR_ALPHABET = "abcxyzABC0129.-_:/@[]"


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=_GRAMMAR_ALPHABET, max_size=60)))
def test_parse_image_only_raises_invalid_image_name(text: str) -> None:
    try:
        ref = parse_image(text)
    except InvalidImageName:
        return
    assert ref.registry
    assert ref.repository
    assert ref.tag or ref.digest
    assert parse_image(str(ref)) == ref


_COMPONENT = st.from_regex(r"[a-z0-9]{1,6}(?:(?:[._]|__|-{1,2})[a-z0-9]{1,4}){0,2}", fullmatch=True)
_TAG = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["", "myacr.azurecr.io/", "localhost:5000/", "docker.io/", "reg.example.com:443/"]),
    st.lists(_COMPONENT, min_size=1, max_size=3),
    st.one_of(st.none(), _TAG),
    st.one_of(st.none(), st.just(SHA)),
)
def test_grammar_references_parse(prefix: str, path: list[str], tag: str | None, digest: str | None) -> None:
    # Without a prefix, a first component with a dot would be read as a registry host.
    assume(prefix or len(path) == 1 or "." not in path[0])
    image = prefix + "/".join(path) + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")
    ref = parse_image(image)
    assert ref.repository.endswith("/".join(path))
    assert ref.tag == (tag or (None if digest else "latest"))
    assert ref.digest == digest


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20), st.lists(st.text(max_size=20), max_size=12), st.integers(0, 8))
def test_closest_properties(name: str, candidates: list[str], n: int) -> None:
    result = closest(name, candidates, n=n)
    assert len(result) == min(n, len(set(candidates)))
    assert len(set(result)) == len(result)
    assert set(result) <= set(candidates)
    assert result == closest(name, candidates, n=n)


def test_parse_image_is_fast_on_adversarial_input() -> None:
    # Inputs that make naive backtracking regexes explode: each must be refused (or parsed) at once.
    for text in [
        "a" * 100_000 + "!",
        "a-" * 50_000 + "!",
        "a." * 50_000 + "/",
        "a/" * 50_000 + "A",
        "a" * 2000 + "-" * 2000 + "!",
        "a." * 2000 + "a:" + "1" * 90 + "!",
        ("a__" * 1300) + "!",
        "x/" + "a-" * 2000 + ":!",
    ]:
        with contextlib.suppress(InvalidImageName):
            parse_image(text)
