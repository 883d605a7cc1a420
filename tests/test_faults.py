"""Faults and hostile input: a clear one-line error and a documented exit code, never a stack trace or a hang."""

from __future__ import annotations

import json
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksdoctor.errors import BundleError
from aksdoctor.sources.bundle import BundleKube
from conftest import EXAMPLES
from live import served

EXIT_CODES = {0, 1, 2, 3, 4}


def _kubeconfig(tmp_path: Path, server: str, user: dict) -> str:
    path = tmp_path / "kubeconfig"
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "broken",
                "clusters": [{"name": "c", "cluster": {"server": server}}],
                "users": [{"name": "u", "user": user}],
                "contexts": [{"name": "broken", "context": {"cluster": "c", "user": "u"}}],
            }
        )
    )
    return str(path)


def test_tls_error_exits_4(cli, tmp_path):
    with served(EXAMPLES / "imagepull-healthy", tmp_path) as (server, _):
        https = server.url.replace("http://", "https://")  # a TLS handshake against a plain-HTTP server
        kubeconfig = _kubeconfig(tmp_path, https, {"token": "x"})
        result = cli(
            "imagepull", "web-7d9f8-x2x", "-n", "shop", "--kubeconfig", kubeconfig, "--no-azure", "--timeout", "5"
        )
    assert result.exit_code == 4
    assert "cannot reach the Kubernetes API server" in result.stderr and "Traceback" not in result.stderr


def test_failing_exec_credential_plugin_exits_4(cli, tmp_path):
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "false",
            "args": [],
            "interactiveMode": "Never",
        }
    }
    kubeconfig = _kubeconfig(tmp_path, "https://127.0.0.1:9", user)
    result = cli("imagepull", "web-7d9f8-x2x", "-n", "shop", "--kubeconfig", kubeconfig, "--no-azure", "--timeout", "5")
    assert result.exit_code == 4
    assert "Traceback" not in result.stderr
    assert "kubelogin" in result.stderr or "cannot" in result.stderr


def test_missing_kubeconfig_exits_4(cli, tmp_path):
    result = cli("imagepull", "web-7d9f8-x2x", "--kubeconfig", str(tmp_path / "nope"), "--no-azure")
    assert result.exit_code == 4
    assert "az aks get-credentials" in " ".join(result.stderr.split())


# ---- property-based: hostile bundle files and objects ------------------------------------------
_names = st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".yaml", ".json", ".yml"]))
def test_arbitrary_bundle_files_load_or_fail_with_bundle_error(tmp_path_factory, content, suffix):
    root = tmp_path_factory.mktemp("fuzz")
    (root / f"f{suffix}").write_bytes(content)
    try:
        BundleKube(root)
    except BundleError as exc:
        assert str(root) in str(exc)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    spec=st.dictionaries(
        st.sampled_from(["containers", "initContainers", "imagePullSecrets", "nodeName"]), _json, max_size=3
    ),
    status=st.dictionaries(st.sampled_from(["containerStatuses", "initContainerStatuses", "phase"]), _json, max_size=3),
    waiting=st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {
                "reason": st.sampled_from(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "x"]),
                "message": st.text(max_size=200),
            }
        ),
    ),
    image=st.text(max_size=60),
    event_message=st.text(max_size=300),
)
def test_arbitrary_pods_never_crash_a_runbook(cli, tmp_path_factory, spec, status, waiting, image, event_message):
    root = tmp_path_factory.mktemp("pods")
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
        "spec": spec,
        "status": status,
    }
    if waiting is not None:
        pod["spec"] = {**spec, "containers": [{"name": "c", "image": image}]}
        pod["status"] = {**status, "containerStatuses": [{"name": "c", "image": image, "state": {"waiting": waiting}}]}
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "e", "namespace": "ns"},
        "reason": "Failed",
        "message": event_message,
        "involvedObject": {"uid": "u1", "name": "p"},
    }
    (root / "pod.json").write_text(json.dumps(pod))
    (root / "events.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [event]}))
    result = cli("imagepull", "p", "-n", "ns", "--bundle", str(root), "-o", "json")
    assert result.exit_code in EXIT_CODES
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if result.exit_code in (0, 1, 3):
        json.loads(result.stdout)


def test_unresolvable_api_server_exits_4_naming_the_host(cli, tmp_path):
    # .invalid never resolves (RFC 6761): the private-cluster-without-DNS case
    kubeconfig = _kubeconfig(tmp_path, "https://aks-prod-dns.hcp.westeurope.azmk8s.invalid:443", {"token": "x"})
    result = cli(
        "imagepull", "web-7d9f8-x2x", "-n", "shop", "--kubeconfig", kubeconfig, "--no-azure", "--timeout", "10"
    )
    assert result.exit_code == 4
    text = " ".join(result.stderr.split())
    assert "cannot reach the Kubernetes API server" in text and "aks-prod-dns.hcp.westeurope.azmk8s.invalid" in text
    assert "Traceback" not in text
