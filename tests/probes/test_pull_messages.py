"""Pull-failure message classification, checked against texts users and vendors actually saw.

Every row is a real message (kubelet Event / container status text, or the runtime error the kubelet
wraps). Placeholders such as <acrname>, <redacted> or *** in the sources were replaced by realistic
names (myacr.azurecr.io/shop/web:1.4.2, ...); the wording is otherwise unchanged. SA below is the
Microsoft support article "Troubleshoot image pull failures from Azure Container Registry to AKS":
https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/connectivity/
cannot-pull-image-from-acr-to-aks-cluster (source: MicrosoftDocs/SupportArticles-docs,
support/azure/azure-kubernetes/connectivity/cannot-pull-image-from-acr-to-aks-cluster.md).
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aksdoctor.probes.pull_messages import (
    INFORMATIVENESS,
    RULES,
    PullError,
    PullErrorKind,
    classify,
    most_specific,
)

K = PullErrorKind
IMG = "myacr.azurecr.io/shop/web:1.4.2"
ACR = "myacr.azurecr.io"


class Row(NamedTuple):
    message: str
    kind: PullErrorKind
    image: str | None
    host: str | None
    ip: str | None = None
    private_ip: bool = False
    status: int | None = None


ROWS = [
    # SA Cause 1a: 401, identity lacks AcrPull (containerd authorizer.go "failed to fetch oauth token").
    pytest.param(
        Row(
            f'Failed to pull image "{IMG}": [rpc error: code = Unknown desc = failed to pull and unpack '
            f"image "
            f'"{IMG}": failed to resolve reference "{IMG}": failed to authorize: failed to fetch oauth '
            f"token: "
            "unexpected status: 401 Unauthorized",
            K.UNAUTHORIZED,
            IMG,
            ACR,
            status=401,
        ),
        id="sa-1a-oauth-401",
    ),
    # SA Cause 1b: architecture mismatch, aggregated with a 401 from the anonymous retry -> platform.
    pytest.param(
        Row(
            f'Failed to pull image "{IMG}": [rpc error: code = NotFound desc = failed to pull and unpack '
            f"image "
            f'"{IMG}": no match for platform in manifest: not found, failed to pull and unpack image '
            f'"{IMG}": '
            f'failed to resolve reference "{IMG}": failed to authorize: failed to fetch anonymous token: '
            "unexpected status from GET request to https://myacr.azurecr.io/oauth2/token?scope=repository"
            "%3Ashop%2Fweb%3Apull&service=myacr.azurecr.io: 401 Unauthorized]",
            K.PLATFORM,
            IMG,
            ACR,
        ),
        id="sa-1b-platform-with-401",
    ),
    # SA Cause 2: image not found.
    pytest.param(
        Row(
            f'Failed to pull image "{IMG}": [rpc error: code = NotFound desc = failed to pull and unpack '
            f"image "
            f'"{IMG}": failed to resolve reference "{IMG}": {IMG}: not found',
            K.NOT_FOUND,
            IMG,
            ACR,
        ),
        id="sa-2-not-found",
    ),
    # SA Cause 3: 403 Forbidden (private DNS zone link missing / public access disabled).
    pytest.param(
        Row(
            f'Failed to pull image "{IMG}": rpc error: code = Unknown desc = failed to pull and unpack image '
            f'"{IMG}": failed to resolve reference "{IMG}": failed to authorize: failed to fetch anonymous '
            "token: unexpected status: 403 Forbidden",
            K.FORBIDDEN,
            IMG,
            ACR,
            status=403,
        ),
        id="sa-3-anonymous-403",
    ),
    # SA Cause 4: i/o timeout to the registry's private endpoint.
    pytest.param(
        Row(
            f'Failed to pull image "{IMG}": rpc error: code = Unknown desc = failed to pull and unpack image '
            f'"{IMG}": failed to resolve reference "{IMG}": failed to do request: Head '
            '"https://myacr.azurecr.io/v2/shop/web/manifests/1.4.2": dial tcp 10.224.0.7:443: i/o timeout',
            K.TIMEOUT,
            IMG,
            ACR,
            "10.224.0.7",
            True,
        ),
        id="sa-4-private-endpoint-timeout",
    ),
    # SA Cause 5: no match for platform in manifest (Linux image on a Windows node).
    pytest.param(
        Row(
            f'Failed to pull image "{IMG}": [rpc error: code = NotFound desc = failed to pull and unpack '
            f"image "
            f'"{IMG}": no match for platform in manifest: not found, ]',
            K.PLATFORM,
            IMG,
            ACR,
        ),
        id="sa-5-platform",
    ),
    # SA Cause 6; kubelet pkg/kubelet/images/helpers.go throttledImageService: "pull QPS exceeded".
    pytest.param(
        Row(
            'Failed to pull image "myacr.azurecr.io/repo/nginx:latest": pull QPS exceeded.',
            K.RATE_LIMITED,
            "myacr.azurecr.io/repo/nginx:latest",
            ACR,
        ),
        id="sa-6-kubelet-pull-qps",
    ),
    # SA Cause 7: TLS handshake timeout (network virtual appliance in the path).
    pytest.param(
        Row(
            'Failed to pull image "test.azurecr.io/test-api:v1.1.3": failed to pull and unpack image '
            '"test.azurecr.io/test-api:v1.1.3": failed to resolve reference '
            '"test.azurecr.io/test-api:v1.1.3": '
            'failed to do request: Head "https://test.azurecr.io/v2/test-api/manifests/v1.1.3": '
            "net/http: TLS handshake timeout",
            K.TIMEOUT,
            "test.azurecr.io/test-api:v1.1.3",
            "test.azurecr.io",
        ),
        id="sa-7-tls-handshake-timeout",
    ),
    # SA Cause 7 event list; kubelet image_manager.go: 'Back-off pulling image %q'.
    pytest.param(
        Row(
            'Back-off pulling image "test.azurecr.io/test-api:v1.1.3"',
            K.BACKOFF,
            "test.azurecr.io/test-api:v1.1.3",
            "test.azurecr.io",
        ),
        id="sa-7-backoff",
    ),
    # SA Cause 7 event list; kubelet pod_workers "Error: ImagePullBackOff" / "Error: ErrImagePull".
    pytest.param(Row("Error: ImagePullBackOff", K.BACKOFF, None, None), id="sa-7-error-imagepullbackoff"),
    pytest.param(Row("Error: ErrImagePull", K.BACKOFF, None, None), id="sa-7-error-errimagepull"),
    # SA Cause 1b note: "exec format error" is what a wrong-architecture image does when it starts;
    # it is not a pull failure.
    pytest.param(Row("exec /canipull: exec format error", K.OTHER, None, None), id="sa-exec-format-error"),
    # ACR firewall text from the SA (networking section) and aka.ms/acr/firewall.
    pytest.param(
        Row(
            'Head "https://myacr.azurecr.io/v2/shop/web/manifests/1.4.2": denied: client with IP '
            "'20.61.14.3' is not allowed access. Refer https://aka.ms/acr/firewall to grant access.",
            K.IP_NOT_ALLOWED,
            None,
            ACR,
            "20.61.14.3",
            False,
        ),
        id="acr-ip-not-allowed",
    ),
    # Azure/acr#633 (ACI pulling from a firewalled ACR, dockerd wording).
    pytest.param(
        Row(
            f'Failed to pull image "{IMG}": rpc error: code Unknown desc Error response from daemon: Head '
            "\"https://myacr.azurecr.io/v2/shop/web/manifests/1.4.2\": denied: client with IP '51.105.8.9' "
            "is "
            "not allowed access. Refer https://aka.ms/acr/firewall to grant access.",
            K.IP_NOT_ALLOWED,
            IMG,
            ACR,
            "51.105.8.9",
            False,
        ),
        id="azure-acr-633-ip-not-allowed",
    ),
    # docker/build-push-action#1214: the same ACR error as JSON with \u0027 quotes; 172.214/16 is public.
    pytest.param(
        Row(
            'error response from daemon: Get "https://myacr.azurecr.io/v2/": denied: '
            '{"errors":[{"code":"DENIED",'
            '"message":"client with IP \\u0027172.214.169.102\\u0027 is not allowed access. Refer '
            'https://aka.ms/acr/firewall to grant access."}]}',
            K.IP_NOT_ALLOWED,
            None,
            ACR,
            "172.214.169.102",
            False,
        ),
        id="build-push-action-1214-json-escaped",
    ),
    # ACR manifest-unknown text (SA / ACR troubleshooting): tag missing.
    pytest.param(
        Row(
            "Manifest for myacr.azurecr.io/v2/shop/web/manifests/1.4.2 not found: manifest unknown: manifest "
            'tagged by "1.4.2" is not found.',
            K.NOT_FOUND,
            "myacr.azurecr.io/v2/shop/web/manifests/1.4.2",
            ACR,
        ),
        id="acr-manifest-tagged-by-not-found",
    ),
    # ACR 401 body (aka.ms/acr/authorization).
    pytest.param(
        Row(
            "unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information.",
            K.UNAUTHORIZED,
            None,
            None,
        ),
        id="acr-unauthorized-authentication-required",
    ),
    # Docker Hub rate limit (docs.docker.com/docker-hub/usage/pulls).
    pytest.param(
        Row(
            "toomanyrequests: You have reached your pull rate limit. You may increase the limit by "
            "authenticating "
            "and upgrading: https://www.docker.com/increase-rate-limit",
            K.RATE_LIMITED,
            None,
            None,
        ),
        id="dockerhub-toomanyrequests",
    ),
    # kubelet image_manager.go applyDefaultImageTag + pkg/util/parsers (kubernetes/kubernetes#116231
    # wording "couldn't parse image name"); distribution/reference ErrNameContainsUppercase.
    pytest.param(
        Row(
            'Failed to apply default image tag "MyAcr.azurecr.io/Shop/Web:1.4.2": couldn\'t parse image name '
            '"MyAcr.azurecr.io/Shop/Web:1.4.2": invalid reference format: repository name (Shop/Web) must be '
            "lowercase",
            K.INVALID_NAME,
            "MyAcr.azurecr.io/Shop/Web:1.4.2",
            ACR,
        ),
        id="kubelet-invalid-name-uppercase",
    ),
    # jupyterhub/zero-to-jupyterhub-k8s#472 (older "couldn't parse image reference" wording).
    pytest.param(
        Row(
            'Failed to apply default image tag "None:None": couldn\'t parse image reference "None:None": '
            "invalid "
            "reference format: repository name must be lowercase",
            K.INVALID_NAME,
            "None:None",
            "docker.io",
        ),
        id="z2jh-472-none-none",
    ),
    # jupyterhub/zero-to-jupyterhub-k8s#472 (comment): a scheme in the image.
    pytest.param(
        Row(
            'Failed to apply default image tag "https://harbor.k8s.mybank/release/name:1.1.0": couldn\'t '
            "parse "
            'image reference "https://harbor.k8s.mybank/release/name:1.1.0": invalid reference format.',
            K.INVALID_NAME,
            "https://harbor.k8s.mybank/release/name:1.1.0",
            "harbor.k8s.mybank",
        ),
        id="z2jh-472-https-scheme",
    ),
    # cloudfoundry-incubator/kubecf#63 (empty registry component).
    pytest.param(
        Row(
            'Failed to apply default image tag "/cloudfoundry/75f129a0-d8c9-415a-9a8a-f514002f1459:'
            'a28a05709747165a9c25c14f1b77d5c4db260d48": couldn\'t parse image reference "/cloudfoundry/'
            '75f129a0-d8c9-415a-9a8a-f514002f1459:a28a05709747165a9c25c14f1b77d5c4db260d48": invalid '
            "reference "
            "format",
            K.INVALID_NAME,
            "/cloudfoundry/75f129a0-d8c9-415a-9a8a-f514002f1459:a28a05709747165a9c25c14f1b77d5c4db260d48",
            None,
        ),
        id="kubecf-63-leading-slash",
    ),
    # darklang/dark#454 (image doubled into the tag), with the ": InvalidImageName" suffix.
    pytest.param(
        Row(
            "Failed to apply default image tag "
            '"gcr.io/balmy-ground-195100/dark-gcp:gcr.io/balmy-ground-195100/'
            "dark-gcp:8e3213495373\": couldn't parse image reference "
            '"gcr.io/balmy-ground-195100/dark-gcp:gcr.io/'
            'balmy-ground-195100/dark-gcp:8e3213495373": invalid reference format: InvalidImageName',
            K.INVALID_NAME,
            "gcr.io/balmy-ground-195100/dark-gcp:gcr.io/balmy-ground-195100/dark-gcp:8e3213495373",
            "gcr.io",
        ),
        id="dark-454-doubled-tag",
    ),
    # cloudfoundry-incubator/kubecf#63: the kubelet's Failed event "Error: InvalidImageName".
    pytest.param(Row("Error: InvalidImageName", K.INVALID_NAME, None, None), id="kubecf-63-error-event"),
    # kubernetes/kubernetes#127918 (1.32+): the back-off waiting message carries the previous error.
    pytest.param(
        Row(
            f'Back-off pulling image "{IMG}": ErrImagePull: rpc error: code = NotFound desc = failed to pull '
            f"and "
            f'unpack image "{IMG}": failed to resolve reference "{IMG}": {IMG}: not found',
            K.NOT_FOUND,
            IMG,
            ACR,
        ),
        id="k8s-127918-backoff-with-cause",
    ),
    # kubernetes.io docs, tasks/configure-pod-container/pull-image-private-registry (Event
    # FailedToRetrieveImagePullSecret, kubelet_pods.go getPullSecretsForPod).
    pytest.param(
        Row(
            "Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.",
            K.PULL_SECRET_MISSING,
            None,
            None,
        ),
        id="k8s-docs-pull-secret-missing",
    ),
    # hystax/optscale#661 (containerd resolver.go ErrInvalidAuthorization wrapping, Docker Hub).
    pytest.param(
        Row(
            'failed to resolve reference "docker.io/hystax/deactivatorg:2025051201-public": pull access '
            "denied, "
            "repository does not exist or may require authorization: server message: insufficient_scope: "
            "authorization failed",
            K.UNAUTHORIZED,
            "docker.io/hystax/deactivatorg:2025051201-public",
            "docker.io",
        ),
        id="optscale-661-insufficient-scope",
    ),
    # earthly/earthly#1873 (containerd resolver.go, basic auth registry).
    pytest.param(
        Row(
            "pull access denied, repository does not exist or may require authorization: authorization "
            "status: "
            "401: authorization failed",
            K.UNAUTHORIZED,
            None,
            None,
            status=401,
        ),
        id="earthly-1873-authorization-status-401",
    ),
    # kubernetes/minikube#20613 (dockershim wording).
    pytest.param(
        Row(
            'Failed to pull image "suedostcargo-web": Error response from daemon: pull access denied for '
            "suedostcargo-web, repository does not exist or may require 'docker login': denied: requested "
            "access "
            "to the resource is denied",
            K.UNAUTHORIZED,
            "suedostcargo-web",
            "docker.io",
        ),
        id="minikube-20613-pull-access-denied",
    ),
    # kubernetes/kubernetes#92326 (AKS managed identity, dockershim).
    pytest.param(
        Row(
            'Failed to pull image "myacr.azurecr.io/shop/web": rpc error: code = Unknown desc = Error '
            "response "
            "from daemon: Get https://myacr.azurecr.io/v2/shop/web/manifests/latest: unauthorized: "
            "authentication required",
            K.UNAUTHORIZED,
            "myacr.azurecr.io/shop/web",
            ACR,
        ),
        id="k8s-92326-msi-unauthorized",
    ),
    # gitpod-io/gitpod#14837 (containerd oauth 401 from a proxy registry).
    pytest.param(
        Row(
            '"proxy.replicated.com/proxy/gitpod/busybox:1": failed to resolve reference '
            '"proxy.replicated.com/proxy/gitpod/busybox:1": failed to authorize: failed to fetch oauth '
            "token: "
            "unexpected status: 401 Unauthorized",
            K.UNAUTHORIZED,
            "proxy.replicated.com/proxy/gitpod/busybox:1",
            "proxy.replicated.com",
            status=401,
        ),
        id="gitpod-14837-oauth-401",
    ),
    # docker/docs#22787 (containerd remotes/errors ErrUnexpectedStatus wording, Docker Hub outage).
    pytest.param(
        Row(
            "(HTTP code 500) server error - error from registry: failed to resolve reference "
            '"docker.io/docker/welcome-to-docker:latest": failed to authorize: failed to fetch oauth token: '
            "unexpected status from GET request to https://auth.docker.io/token?scope=repository%3Adocker%2F"
            "welcome-to-docker%3Apull&service=registry.docker.io: 401 Unauthorized",
            K.UNAUTHORIZED,
            "docker.io/docker/welcome-to-docker:latest",
            "auth.docker.io",
            status=401,
        ),
        id="docker-docs-22787-unexpected-status-from-get",
    ),
    # docker-archive-public/docker.kitematic#2841 (dockerd, wrong Docker Hub password).
    pytest.param(
        Row(
            '(HTTP code 401) unexpected - {"message":"Get '
            "https://registry-1.docker.io/v2/library/redis/manifests/"
            'latest: unauthorized: incorrect username or password"}',
            K.UNAUTHORIZED,
            None,
            "registry-1.docker.io",
            status=401,
        ),
        id="kitematic-2841-incorrect-password",
    ),
    # MicrosoftDocs/azure-docs#116188: kubelet aggregate [blob fetch EOF, anonymous token 401].
    pytest.param(
        Row(
            'Failed to pull image "myregistry.azurecr.io/myimage:16102023": [rpc error: code = Unknown desc '
            "= "
            'failed to pull and unpack image "myregistry.azurecr.io/myimage:16102023": failed to copy: '
            "httpReadSeeker: failed open: failed to do request: Get "
            '"https://weumanaged15.blob.core.windows.net/'
            "xxxx/docker/registry/v2/blobs/sha256/fd/xxxx/data?se=2023-10-19T13%3A03%3A46Z&sig=xxxx%3D&sp=r"
            '&spr=https&sr=b&sv=2018-03-28&regid=xxxx": EOF, rpc error: code = Unknown desc = failed to pull '
            "and "
            'unpack image "myregistry.azurecr.io/myimage:16102023": failed to resolve reference '
            '"myregistry.azurecr.io/myimage:16102023": failed to authorize: failed to fetch anonymous token: '
            "unexpected status from GET request to "
            "https://myregistry.azurecr.io/oauth2/token?scope=repository"
            "%3Amyimage%3Apull&service=myregistry.azurecr.io: 401 Unauthorized]",
            K.UNAUTHORIZED,
            "myregistry.azurecr.io/myimage:16102023",
            "myregistry.azurecr.io",
            status=401,
        ),
        id="azure-docs-116188-aggregate-eof-401",
    ),
    # Esri/arcgis-gitops#168: aggregate [oauth 401, layer blob not found]. The blob ("could not fetch content
    # descriptor ... from remote: not found") is not a missing tag or repository: the 401 decides.
    pytest.param(
        Row(
            'Failed to pull image "arcgisenterprise248c2940cb03b8d5.azurecr.io/docker-hub/esridocker/'
            'enterprise-admin:11.4.0.6285": [failed to pull and unpack image '
            '"arcgisenterprise248c2940cb03b8d5.'
            'azurecr.io/docker-hub/esridocker/enterprise-admin:11.4.0.6285": failed to resolve reference '
            '"arcgisenterprise248c2940cb03b8d5.azurecr.io/docker-hub/esridocker/enterprise-admin:11.4.0.6285"'
            ": failed to authorize: failed to fetch oauth token: unexpected status from GET request to "
            "https://arcgisenterprise248c2940cb03b8d5.azurecr.io/oauth2/token?scope=repository%3Adocker-hub%2F"
            "esridocker%2Fenterprise-admin%3Apull&service=arcgisenterprise248c2940cb03b8d5.azurecr.io: 401 "
            "Unauthorized, rpc error: code = NotFound desc = failed to pull and unpack image "
            '"arcgisenterprise248c2940cb03b8d5.azurecr.io/docker-hub/esridocker/enterprise-admin:11.4.0.6285"'
            ": failed to copy: httpReadSeeker: failed open: could not fetch content descriptor "
            "sha256:732cbede32a5c"
            "8b88862709b9e904092864ab820830e0f1ff344aaf2ecc7c69b "
            "(application/vnd.docker.image.rootfs.diff.tar."
            "gzip) from remote: not found]",
            K.UNAUTHORIZED,
            "arcgisenterprise248c2940cb03b8d5.azurecr.io/docker-hub/esridocker/enterprise-admin:11.4.0.6285",
            "arcgisenterprise248c2940cb03b8d5.azurecr.io",
            status=401,
        ),
        id="esri-168-aggregate-401-and-not-found",
    ),
    # kubeflow/examples#654: kubelet aggregate [manifest unknown, unauthorized] from two credentials.
    pytest.param(
        Row(
            'Failed to pull image "myacr.azurecr.io/preprocess": [rpc error: code = Unknown desc = Error '
            "response "
            "from daemon: manifest for myacr.azurecr.io/preprocess:latest not found: manifest unknown: "
            "manifest "
            "unknown, rpc error: code = Unknown desc = Error response from daemon: Get "
            "https://myacr.azurecr.io/v2/"
            "preprocess/manifests/latest: unauthorized: authentication required]",
            K.NOT_FOUND,
            "myacr.azurecr.io/preprocess",
            ACR,
        ),
        id="kubeflow-654-aggregate-not-found-and-401",
    ),
    # lachie83/k8s-kubectl#157 (dockershim: tag never built).
    pytest.param(
        Row(
            'Failed to pull image "lachlanevenson/k8s-kubectl:v1.18.20": rpc error: code = Unknown desc = '
            "Error "
            "response from daemon: manifest for lachlanevenson/k8s-kubectl:v1.18.20 not found: manifest "
            "unknown: "
            "manifest unknown",
            K.NOT_FOUND,
            "lachlanevenson/k8s-kubectl:v1.18.20",
            "docker.io",
        ),
        id="k8s-kubectl-157-manifest-unknown",
    ),
    # mattmattox/drain-node-on-crash#7 (container status message: reason prefix, no kubelet quote).
    pytest.param(
        Row(
            "ErrImagePull: rpc error: code = Unknown desc = Error response from daemon: manifest for "
            "drainnode/leader:v1.0-rc9 not found: manifest unknown: manifest unknown",
            K.NOT_FOUND,
            "drainnode/leader:v1.0-rc9",
            "docker.io",
        ),
        id="drain-node-7-errimagepull-prefix",
    ),
    # cri-o/cri-o#4388 (CRI-O / containers-image wording).
    pytest.param(
        Row(
            "pulling image failed: rpc error: code = Unknown desc = Error reading manifest latest in "
            "registry.mydomain/image: manifest unknown: manifest unknown",
            K.NOT_FOUND,
            None,
            "registry.mydomain",
        ),
        id="crio-4388-reading-manifest",
    ),
    # kubernetes/kubernetes#25356 (old docker "Tag ... not found in repository").
    pytest.param(
        Row(
            'failed to "StartContainer" for "kube-proxy" with ErrImagePull: "Tag '
            "6d4819be8d00b0251cf079f16a2a0db0 "
            'not found in repository gcr.io/google_containers/kube-proxy"',
            K.NOT_FOUND,
            None,
            None,
        ),
        id="k8s-25356-tag-not-found",
    ),
    # kata-containers/kata-containers#10109 (containerd httpReadSeeker, Docker Hub 429).
    pytest.param(
        Row(
            'Failed to pull image "busybox": rpc error: code = Unknown desc = failed to pull and unpack '
            "image "
            '"docker.io/library/busybox:latest": failed to copy: httpReadSeeker: failed open: unexpected '
            "status "
            "code https://registry-1.docker.io/v2/library/busybox/manifests/sha256:50aa4698fa6262977cff89181b2664"
            "b99d8a56dbca847bf62f2ef04854597cf8: 429 Too Many Requests - Server message: toomanyrequests: "
            "You have"
            " reached your pull rate limit. You may increase the limit by authenticating and upgrading: "
            "https://www.docker.com/increase-rate-limit",
            K.RATE_LIMITED,
            "busybox",
            "registry-1.docker.io",
            status=429,
        ),
        id="kata-10109-dockerhub-429",
    ),
    # namespacelabs/foundation#846 (digest reference, index.docker.io).
    pytest.param(
        Row(
            "Failed to pull image "
            '"index.docker.io/jaegertracing/all-in-one@sha256:8d0bff43db3ce5c528cb6f957520511'
            'd263d7cceee012696e4afdc9087919bb9": rpc error: code = Unknown desc = failed to pull and unpack '
            "image "
            '"docker.io/jaegertracing/all-in-one@sha256:8d0bff43db3ce5c528cb6f957520511d263d7cceee012696e4afdc9087'
            '919bb9": failed to copy: httpReadSeeker: failed open: unexpected status code '
            "https://registry-1.docker"
            ".io/v2/jaegertracing/all-in-one/manifests/sha256:8d0bff43db3ce5c528cb6f957520511d263d7cceee012696e4afd"
            "c9087919bb9: 429 Too Many Requests - Server message: toomanyrequests: You have reached your "
            "pull rate "
            "limit. You may increase the limit by authenticating and upg",
            K.RATE_LIMITED,
            "index.docker.io/jaegertracing/all-in-one@sha256:8d0bff43db3ce5c528cb6f957520511d263d7cceee012696e4afdc"
            "9087919bb9",
            "registry-1.docker.io",
            status=429,
        ),
        id="foundation-846-digest-429",
    ),
    # kubernetes/kubernetes#9534 (old docker, GCR 429).
    pytest.param(
        Row(
            'Failed to pull image "gcr.io/google_containers/kube-ui:v2" from pod '
            '"kube-ui-v2-ojp6m_kube-system" and '
            'container "kube-ui": Error: Status 429 trying to pull repository google_containers/kube-ui: '
            '"<!DOCTYPE html>\\n<html lang=en>\\n  <meta charset=utf-8>\\n  <title>Error 429 (Too Many '
            "Requests)!!1"
            "</title>",
            K.RATE_LIMITED,
            "gcr.io/google_containers/kube-ui:v2",
            "gcr.io",
            status=429,
        ),
        id="k8s-9534-gcr-status-429",
    ),
    # kodekloudhub/kodekloud-engineer#58 (dockerd).
    pytest.param(
        Row(
            "Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may "
            "increase "
            "the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
            K.RATE_LIMITED,
            None,
            None,
        ),
        id="kodekloud-58-daemon-rate-limit",
    ),
    # ciiiii/cloudflare-docker-proxy#62 (containerd: anonymous token fetch timed out).
    pytest.param(
        Row(
            "rpc error: code = DeadlineExceeded desc = failed to pull and unpack image "
            '"docker.io/library/redis:'
            'latest": failed to resolve reference "docker.io/library/redis:latest": failed to authorize: '
            "failed to "
            "fetch anonymous token: Get "
            '"https://auth.docker.io/token?scope=repository%!A(MISSING)library%!F(MISSING'
            ')redis%!A(MISSING)pull&service=registry.docker.io": dial tcp 108.160.165.48:443: i/o timeout',
            K.TIMEOUT,
            "docker.io/library/redis:latest",
            "auth.docker.io",
            "108.160.165.48",
            False,
        ),
        id="cf-proxy-62-token-timeout",
    ),
    # kubernetes/kubeadm#2936 (containerd, connect: connection timed out).
    pytest.param(
        Row(
            "rpc error: code = Unknown desc = failed to pull and unpack image "
            '"registry.k8s.io/kube-proxy:v1.28.2": '
            'failed to resolve reference "registry.k8s.io/kube-proxy:v1.28.2": failed to do request: Head '
            '"https://registry.k8s.io/v2/kube-proxy/manifests/v1.28.2": dial tcp 34.96.108.209:443: connect: '
            "connection timed out",
            K.TIMEOUT,
            "registry.k8s.io/kube-proxy:v1.28.2",
            "registry.k8s.io",
            "34.96.108.209",
            False,
        ),
        id="kubeadm-2936-connection-timed-out",
    ),
    # conjure-up/conjure-up#1616 (containerd 1.2 wording, registry with a port).
    pytest.param(
        Row(
            'Failed to pull image "image-registry.canonical.com:5000/cdk/coredns/coredns:1.4.0": rpc error: '
            "code = "
            "Unknown desc = failed to resolve image "
            '"image-registry.canonical.com:5000/cdk/coredns/coredns:1.4.0": '
            "no available registry endpoint: failed to do request: Head "
            "https://image-registry.canonical.com:5000/"
            "v2/cdk/coredns/coredns/manifests/1.4.0: dial tcp 162.213.33.199:5000: i/o timeout",
            K.TIMEOUT,
            "image-registry.canonical.com:5000/cdk/coredns/coredns:1.4.0",
            "image-registry.canonical.com:5000",
            "162.213.33.199",
            False,
        ),
        id="conjure-up-1616-port-timeout",
    ),
    # Azure/acr#594 (az aks check-acr: token exchange to a private endpoint timed out).
    pytest.param(
        Row(
            "ACR myacr.azurecr.io rejected token exchange: failed to send token exchange request: Post "
            "https://myacr.azurecr.io/oauth2/exchange: dial tcp 10.201.3.5:443: i/o timeout",
            K.TIMEOUT,
            None,
            ACR,
            "10.201.3.5",
            True,
        ),
        id="azure-acr-594-exchange-timeout",
    ),
    # kubernetes/minikube#15626 (runtime gave up, no detail).
    pytest.param(
        Row(
            'Failed to pull image "noyandocker/authservice": rpc error: code = Unknown desc = context '
            "deadline "
            "exceeded",
            K.TIMEOUT,
            "noyandocker/authservice",
            "docker.io",
        ),
        id="minikube-15626-context-deadline",
    ),
    # cri-o/cri-o#189 (gRPC code 4 = DeadlineExceeded).
    pytest.param(
        Row(
            'Failed to pull image "nginx": rpc error: code = 4 desc = context deadline exceeded',
            K.TIMEOUT,
            "nginx",
            "docker.io",
        ),
        id="crio-189-code-4",
    ),
    # kubernetes/minikube#15626 (DNS server timed out: port 53 -> dns, not timeout).
    pytest.param(
        Row(
            'Failed to pull image "noyandocker/productservice": rpc error: code = Unknown desc = Error '
            "response "
            'from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on '
            "192.168.65.2:53: read udp 192.168.49.2:59506->192.168.65.2:53: i/o timeout",
            K.DNS,
            "noyandocker/productservice",
            "registry-1.docker.io",
            "192.168.65.2",
            True,
        ),
        id="minikube-15626-dns-read-timeout",
    ),
    # Same shape on AKS, Azure DNS 168.63.129.16 (brief; Go net resolver wording as in minikube#15626).
    pytest.param(
        Row(
            "dial tcp: lookup myacr.azurecr.io on 168.63.129.16:53: read udp "
            "10.224.0.4:41772->168.63.129.16:53: "
            "i/o timeout",
            K.DNS,
            None,
            ACR,
            "168.63.129.16",
            False,
        ),
        id="aks-azure-dns-read-timeout",
    ),
    # hjacobs/kube-ops-view#176 (systemd-resolved stub, server misbehaving).
    pytest.param(
        Row(
            'Failed to pull image "hjacobs/kube-ops-view:0.8.1": rpc error: code = Unknown desc = Error '
            "response "
            "from daemon: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io on "
            "127.0.0.53:53: server misbehaving",
            K.DNS,
            "hjacobs/kube-ops-view:0.8.1",
            "registry-1.docker.io",
            "127.0.0.53",
            False,
        ),
        id="kube-ops-view-176-server-misbehaving",
    ),
    # virtual-kubelet/azure-aci#65 (Azure DNS, no such host), with the registry name filled in.
    pytest.param(
        Row(
            "Get https://myacr.azurecr.io/v2/: dial tcp: lookup myacr.azurecr.io on 168.63.129.16:53: no such host",
            K.DNS,
            None,
            ACR,
            "168.63.129.16",
            False,
        ),
        id="azure-aci-65-no-such-host",
    ),
    # Brief / SA Cause 3 context: CoreDNS-forwarded lookup of a private-link name that does not resolve.
    pytest.param(
        Row(
            f'Failed to pull image "{IMG}": rpc error: code = Unknown desc = failed to pull and unpack image '
            f'"{IMG}": failed to resolve reference "{IMG}": failed to do request: Head '
            '"https://myacr.azurecr.io/v2/shop/web/manifests/1.4.2": dial tcp: lookup myacr.azurecr.io on '
            "10.0.0.10:53: no such host",
            K.DNS,
            IMG,
            ACR,
            "10.0.0.10",
            True,
        ),
        id="aks-coredns-no-such-host",
    ),
    # tfenster/BCinaB#30 (no resolver in the text).
    pytest.param(
        Row(
            "ERROR: Get https://arssolvendi.azurecr.io/v2/: dial tcp: lookup arssolvendi.azurecr.io: no such host",
            K.DNS,
            None,
            "arssolvendi.azurecr.io",
        ),
        id="bcinab-30-no-such-host",
    ),
    # docker-archive-public/docker.kitematic#1635 (IPv6 resolver refusing: still DNS).
    pytest.param(
        Row(
            "Error while pulling image: Get "
            "https://index.docker.io/v1/repositories/kitematic/hello-world-nginx/"
            "images: dial tcp: lookup index.docker.io on [::1]:53: read udp [::1]:54528->[::1]:53: read: "
            "connection refused",
            K.DNS,
            None,
            "index.docker.io",
            "::1",
            False,
        ),
        id="kitematic-1635-dns-refused",
    ),
    # moby/moby#37127 (Windows connection refused).
    pytest.param(
        Row(
            "Error response from daemon: Get https://registry-1.docker.io/v2/: dial tcp 35.169.231.249:443: "
            "connectex: No connection could be made because the target machine actively refused it.",
            K.CONNECTION_REFUSED,
            None,
            "registry-1.docker.io",
            "35.169.231.249",
            False,
        ),
        id="moby-37127-connectex-refused",
    ),
    # kubernetes/registry.k8s.io#306 (the dial error as reported).
    pytest.param(
        Row(
            "dial tcp 34.96.108.209:443: connect: connection refused",
            K.CONNECTION_REFUSED,
            None,
            None,
            "34.96.108.209",
            False,
        ),
        id="registry-k8s-306-refused",
    ),
    # containerd/nerdctl#2143: blob fetch refused (httpReadSeeker wording).
    pytest.param(
        Row(
            "failed to copy: httpReadSeeker: failed open: failed to do request: Get "
            '"https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/3f/3f9b/data"'
            ": dial tcp 104.18.124.25:443: connect: connection refused",
            K.CONNECTION_REFUSED,
            None,
            "production.cloudflare.docker.com",
            "104.18.124.25",
            False,
        ),
        id="nerdctl-2143-blob-refused",
    ),
    # cnoe-io/idpbuilder#520 (containerd 1.7+, Go 1.20+ "tls: failed to verify certificate").
    pytest.param(
        Row(
            'Failed to pull image "registry.k8s.io/coredns/coredns:v1.11.1": failed to pull and unpack image '
            '"registry.k8s.io/coredns/coredns:v1.11.1": failed to resolve reference "registry.k8s.io/coredns/'
            'coredns:v1.11.1": failed to do request: Head '
            '"https://registry.k8s.io/v2/coredns/coredns/manifests/'
            'v1.11.1": tls: failed to verify certificate: x509: certificate signed by unknown authority',
            K.TLS,
            "registry.k8s.io/coredns/coredns:v1.11.1",
            "registry.k8s.io",
        ),
        id="idpbuilder-520-unknown-authority",
    ),
    # GoogleCloudPlatform/horizon-sdv#8 (expired registry certificate).
    pytest.param(
        Row(
            'Failed to pull image "harbor.scpmtk.com/mtk-connect/mtk-connect-installers:v1.8.1": failed to '
            "pull and "
            'unpack image "harbor.scpmtk.com/mtk-connect/mtk-connect-installers:v1.8.1": failed to resolve '
            'reference "harbor.scpmtk.com/mtk-connect/mtk-connect-installers:v1.8.1": failed to do request: '
            "Head "
            '"https://harbor.scpmtk.com/v2/mtk-connect/mtk-connect-installers/manifests/v1.8.1": tls: failed '
            "to "
            "verify certificate: x509: certificate has expired or is not yet valid: current time "
            "2025-06-12T03:05:25Z is after 2025-06-07T05:48:45Z",
            K.TLS,
            "harbor.scpmtk.com/mtk-connect/mtk-connect-installers:v1.8.1",
            "harbor.scpmtk.com",
        ),
        id="horizon-sdv-8-expired",
    ),
    # kubernetes-sigs/nfs-subdir-external-provisioner#81 (containerd 1.4 unquoted URL, clock drift).
    pytest.param(
        Row(
            'Failed to pull image "gcr.io/k8s-staging-sig-storage/nfs-subdir-external-provisioner:v4.0.1": '
            "rpc "
            "error: code = Unknown desc = failed to pull and unpack image "
            '"gcr.io/k8s-staging-sig-storage/nfs-'
            'subdir-external-provisioner:v4.0.1": failed to resolve reference '
            '"gcr.io/k8s-staging-sig-storage/nfs-'
            'subdir-external-provisioner:v4.0.1": failed to do request: Head '
            "https://gcr.io/v2/k8s-staging-sig-"
            "storage/nfs-subdir-external-provisioner/manifests/v4.0.1: x509: certificate has expired or is "
            "not "
            "yet valid",
            K.TLS,
            "gcr.io/k8s-staging-sig-storage/nfs-subdir-external-provisioner:v4.0.1",
            "gcr.io",
        ),
        id="nfs-subdir-81-expired-unquoted-url",
    ),
    # containerd/containerd#1568 (no space before x509).
    pytest.param(
        Row(
            "ctr: failed to do request: Head "
            "https://registry.example.com/v2/library/nginx/manifests/1.10.1-alpine:"
            "x509: certificate signed by unknown authority",
            K.TLS,
            None,
            "registry.example.com",
        ),
        id="containerd-1568-unknown-authority",
    ),
    # enix/kube-image-keeper#60 (plain-HTTP registry behind an https:// reference).
    pytest.param(
        Row(
            'Failed to pull image "localhost:7439/docker.io/xxxsoftware/xxx-redis:2023.1.2": rpc error: code '
            "= "
            'Unknown desc = failed to pull and unpack image "localhost:7439/docker.io/xxxsoftware/xxx-redis:'
            '2023.1.2": failed to resolve reference '
            '"localhost:7439/docker.io/xxxsoftware/xxx-redis:2023.1.2": '
            'failed to do request: Head "https://localhost:7439/v2/docker.io/xxxsoftware/xxx-redis/manifests/'
            '2023.1.2": http: server gave HTTP response to HTTPS client',
            K.TLS,
            "localhost:7439/docker.io/xxxsoftware/xxx-redis:2023.1.2",
            "localhost:7439",
        ),
        id="kube-image-keeper-60-http-to-https",
    ),
    # Azure/AKS#1383 (blob storage firewall: 403 XML body; truncated aggregate as pasted).
    pytest.param(
        Row(
            'Failed to pull image "aksrepos.azurecr.io/mirror/ip-masq-agent-amd64:v2.0.0_v0.0.5": [rpc '
            "error: code "
            "= Unknown desc = error pulling image configuration: error parsing HTTP 403 response body: "
            "invalid "
            'character \'ï\' looking for beginning of value: "\\ufeff<?xml version=\\"1.0\\" '
            'encoding=\\"utf-8'
            '\\"?><Error><Code>AuthorizationFailure</Code><Message>This request is not authorized to perform '
            "this "
            "operation.\\nRequestId:31d6913c-901e-0013-4fb9-ca617d000000\\nTime:2020-01-14T09:02:12.6212166Z"
            '</Message></Error>", rpc error: code = Unknown desc =',
            K.FORBIDDEN,
            "aksrepos.azurecr.io/mirror/ip-masq-agent-amd64:v2.0.0_v0.0.5",
            "aksrepos.azurecr.io",
            status=403,
        ),
        id="aks-1383-storage-403",
    ),
    # microsoft/containerregistry#191 (containerd ErrUnexpectedStatus on HEAD).
    pytest.param(
        Row(
            "failed to resolve source metadata for mcr.microsoft.com/dotnet/aspnet:10.0: unexpected status "
            "from "
            "HEAD request to https://mcr.microsoft.com/v2/dotnet/aspnet/manifests/10.0: 403 Forbidden",
            K.FORBIDDEN,
            None,
            "mcr.microsoft.com",
            status=403,
        ),
        id="mcr-191-head-403",
    ),
    # docker/for-win#2135 (dockerd on Windows, Linux image).
    pytest.param(
        Row(
            'image operating system "linux" cannot be used on this platform',
            K.PLATFORM,
            None,
            None,
        ),
        id="for-win-2135-image-os",
    ),
    # moby "no matching manifest" (Docker on arm64 with an amd64-only image).
    pytest.param(
        Row(
            "Error response from daemon: no matching manifest for linux/arm64/v8 in the manifest list entries",
            K.PLATFORM,
            None,
            None,
        ),
        id="moby-no-matching-manifest",
    ),
    # Azure/AKS#358 (upstream proxy 504: an answer we have no branch for).
    pytest.param(
        Row(
            'Failed to pull image "zalan.azureedge.net/teapot/external-dns:v0.4.8": rpc error: code = '
            "Unknown desc "
            "= received unexpected HTTP status: 504 Gateway Timeout",
            K.OTHER,
            "zalan.azureedge.net/teapot/external-dns:v0.4.8",
            "zalan.azureedge.net",
            status=504,
        ),
        id="aks-358-504",
    ),
    # kubernetes-sigs/kube-network-policies#307: containerd 2 says "failed to resolve image", 1.32 back-off form.
    pytest.param(
        Row(
            'Back-off pulling image "registry.k8s.io/networking/kube-network-policies:v1.0.0": ErrImagePull: rpc '
            'error: code = NotFound desc = failed to pull and unpack image "registry.k8s.io/networking/kube-network-'
            'policies:v1.0.0": failed to resolve image: registry.k8s.io/networking/kube-network-policies:v1.0.0: not '
            "found",
            K.NOT_FOUND,
            "registry.k8s.io/networking/kube-network-policies:v1.0.0",
            "registry.k8s.io",
        ),
        id="knp-307-failed-to-resolve-image",
    ),
    # cri-o/cri-o#1304 (auth endpoint EOF).
    pytest.param(
        Row(
            "rpc error: code = Unknown desc = Error determining manifest MIME type for "
            "docker://busybox:1.26.2-"
            "uclibc: Get https://auth.docker.io/token?scope=repository%3Alibrary%2Fbusybox%3Apull&service="
            "registry.docker.io: EOF",
            K.OTHER,
            None,
            "auth.docker.io",
        ),
        id="crio-1304-eof",
    ),
]


@pytest.mark.parametrize("row", ROWS)
def test_real_messages(row: Row) -> None:
    got = classify(row.message)
    assert got.kind is row.kind
    assert got.message == row.message
    assert got.image == row.image
    assert got.host == row.host
    assert got.ip == row.ip
    assert got.private_ip is row.private_ip
    assert got.status == row.status


def test_enough_real_rows() -> None:
    assert len(ROWS) >= 35
    assert {r.values[0].kind for r in ROWS} == set(PullErrorKind)


# --- ordering traps named in the design ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("failed to fetch anonymous token: unexpected status: 401 Unauthorized", K.UNAUTHORIZED),
        ("no match for platform in manifest: not found", K.PLATFORM),
        ("lookup myacr.azurecr.io on 10.0.0.10:53: no such host", K.DNS),
        ("dial tcp 10.1.2.3:443: i/o timeout", K.TIMEOUT),
        (
            "dial tcp: lookup x on 168.63.129.16:53: read udp 10.0.0.4:1234->168.63.129.16:53: i/o timeout",
            K.DNS,
        ),
        (
            "dial tcp: lookup x on 168.63.129.16:53: read udp 10.0.0.4:1->168.63.129.16:53: read: connection refused",
            K.DNS,
        ),
        ("denied: client with IP '10.1.2.3' is not allowed access", K.IP_NOT_ALLOWED),
        ("read udp 10.224.0.4:41772->10.0.0.10:53: i/o timeout", K.DNS),
        ("dial udp 10.0.0.10:53: connect: connection refused", K.DNS),
        ("dial tcp 10.0.0.10:5353: i/o timeout", K.TIMEOUT),
        (
            "dial tcp 10.1.2.3:443: connectex: A connection attempt failed because the connected party did "
            "not "
            "properly respond after a period of time",
            K.TIMEOUT,
        ),
        (
            "rpc error: code = NotFound desc = failed to resolve reference: failed to authorize: failed to "
            "fetch "
            "anonymous token: unexpected status: 401 Unauthorized",
            K.UNAUTHORIZED,
        ),
        ("rpc error: code = DeadlineExceeded desc = unexpected status: 403 Forbidden", K.FORBIDDEN),
        ("rpc error: code = NotFound desc = something new", K.NOT_FOUND),
        ('Back-off pulling image "nginx": ErrImagePull: toomanyrequests: slow down', K.RATE_LIMITED),
        ('Back-off pulling image "nginx": ErrImagePull: something nobody has seen', K.OTHER),
        ('Back-off pulling image "nginx"', K.BACKOFF),
        ('Back-off pulling image \\"nginx\\"', K.BACKOFF),
        ('Pulling image "nginx"', K.OTHER),
        ("", K.OTHER),
    ],
)
def test_order(message: str, kind: PullErrorKind) -> None:
    assert classify(message).kind is kind


def test_private_ip() -> None:
    assert classify("dial tcp 10.1.2.3:443: i/o timeout").private_ip is True
    assert classify("dial tcp 172.16.0.9:443: i/o timeout").private_ip is True
    assert classify("dial tcp 172.32.0.9:443: i/o timeout").private_ip is False
    assert classify("dial tcp 192.168.1.1:443: i/o timeout").private_ip is True
    assert classify("dial tcp 20.1.2.3:443: i/o timeout").private_ip is False
    assert classify("dial tcp [fd00::5]:443: i/o timeout").ip == "fd00::5"
    assert classify("dial tcp [fd00::5]:443: i/o timeout").private_ip is True
    assert classify("dial tcp 999.1.2.3:443: i/o timeout").ip is None
    assert classify("dial udp 10.0.0.10:53: connect: connection refused").ip == "10.0.0.10"
    masked = classify("dial tcp <acrprivateipaddress>:443: i/o timeout")
    assert (masked.kind, masked.ip, masked.private_ip) == (K.TIMEOUT, None, False)


def test_rules_table_is_ordered_and_cited() -> None:
    kinds = [kind for kind, _ in RULES]
    assert kinds.index(K.DNS) < kinds.index(K.TIMEOUT)
    assert kinds.index(K.DNS) < kinds.index(K.CONNECTION_REFUSED)
    assert kinds.index(K.PLATFORM) < kinds.index(K.NOT_FOUND)
    assert kinds.index(K.IP_NOT_ALLOWED) < kinds.index(K.FORBIDDEN)
    assert kinds.index(K.UNAUTHORIZED) < kinds.index(K.NOT_FOUND)
    assert all(isinstance(p, re.Pattern) for _, p in RULES)
    assert set(INFORMATIVENESS) == set(PullErrorKind)
    assert len(INFORMATIVENESS) == len(PullErrorKind)


def test_kind_values_are_runbook_branches() -> None:
    assert {k.value for k in PullErrorKind} == {
        "not-found",
        "unauthorized",
        "forbidden",
        "ip-not-allowed",
        "dns",
        "timeout",
        "connection-refused",
        "rate-limited",
        "tls",
        "platform",
        "pull-secret-missing",
        "invalid-name",
        "backoff",
        "other",
    }
    assert PullErrorKind("not-found") is K.NOT_FOUND
    assert K.DNS == "dns"


# --- most_specific ------------------------------------------------------------------------------------


def _err(kind: PullErrorKind, message: str = "") -> PullError:
    return PullError(
        kind=kind,
        message=message or kind.value,
        image=None,
        host=None,
        ip=None,
        status=None,
        private_ip=False,
    )


def test_most_specific_prefers_a_cause() -> None:
    backoff = classify('Back-off pulling image "nginx"')
    other = classify("something else")
    secret = classify(
        "Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed."
    )
    unauthorized = classify("failed to fetch oauth token: unexpected status: 401 Unauthorized")
    assert most_specific([backoff, other, secret, unauthorized]) is unauthorized
    assert most_specific([secret, backoff]) is secret
    assert most_specific([backoff, other]) is other
    assert most_specific([backoff]) is backoff
    assert most_specific([]) is None
    assert most_specific(iter([secret, classify("dial tcp 10.0.0.5:443: i/o timeout")])).kind is K.TIMEOUT


def test_most_specific_order_and_ties() -> None:
    for better, worse in itertools.pairwise(INFORMATIVENESS):
        assert most_specific([_err(worse), _err(better)]).kind is better
    first, second = _err(K.DNS, "first"), _err(K.DNS, "second")
    assert most_specific([first, second]) is first
    assert most_specific([_err(K.UNAUTHORIZED), _err(K.NOT_FOUND)]).kind is K.NOT_FOUND


# --- robustness ---------------------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_classify_never_raises(text: str) -> None:
    got = classify(text)
    assert isinstance(got, PullError)
    assert isinstance(got.kind, PullErrorKind)
    assert got.message == text
    assert got.private_ip is (got.private_ip and got.ip is not None)


_WORDS = st.sampled_from(
    [
        "Failed to pull image ",
        '"',
        "myacr.azurecr.io/shop/web:1.4.2",
        ": ",
        ", ",
        "[",
        "]",
        "rpc error: code = ",
        "NotFound",
        " desc = ",
        "failed to pull and unpack image ",
        "dial tcp ",
        "10.1.2.3",
        ":443",
        "lookup ",
        " on ",
        ":53",
        "i/o timeout",
        "401 Unauthorized",
        "403 Forbidden",
        "not found",
        "https://",
        "/v2/",
        "Head ",
        "client with IP '",
        "x509: ",
        "Back-off pulling image ",
        "\\",
        "\n",
        "toomanyrequests",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_WORDS, max_size=40).map("".join))
def test_classify_never_raises_on_message_shaped_text(text: str) -> None:
    got = classify(text)
    assert got.message == text
    if got.ip is not None:
        ipaddress.ip_address(got.ip)
    assert got.status is None or 400 <= got.status <= 599
    assert got.private_ip is (got.ip is not None and ipaddress.ip_address(got.ip).is_private)


def test_classify_non_string_input() -> None:
    assert classify(None).kind is K.OTHER  # type: ignore[arg-type]
    assert classify(401).kind is K.OTHER  # type: ignore[arg-type]


def test_classify_is_linear_on_adversarial_input() -> None:
    # 100 KB texts built to trigger backtracking in naive patterns; each must simply return.
    size = 100_000
    for text in [
        "a" * size,
        "failed to fetch oauth token " * (size // 28),
        ", rpc error: " * (size // 13),
        "lookup " + "a" * size + " on 10.0.0.10:5",
        "dial tcp " + "1." * (size // 2),
        "https://" + "a" * size,
        'Failed to pull image "' + "x" * size,
        'Back-off pulling image "' + "x" * size + '": ' + "ErrImagePull: " * 1000,
        "client with IP '" + "1" * size,
        "manifest for " + "x" * size,
        "[" * size,
        '"' * size,
        ": " * (size // 2),
        "status " * (size // 7),
        ('Head "https://myacr.azurecr.io/v2/x": dial tcp 10.0.0.1:443: ' * (size // 60)),
    ]:
        assert isinstance(classify(text), PullError)
