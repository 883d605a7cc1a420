"""A hostile API server (issue 15): slow bodies, endless `continue`, control characters, markup, traversal
names and secret canaries. aksdoctor runs as a real process against tests/apiserver.py: the deadline holds,
nothing hostile reaches the terminal and no canary reaches an output or a captured bundle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLES
from live import bundle_objects, served

CANARY = "CANARY7f3a9"
ESC = "\x1b"
AKSDOCTOR = [sys.executable, "-m", "aksdoctor"]
BUNDLE = EXAMPLES / "imagepull-image-pull-secret-missing"
POD = "web-7d9f8-x2x"


def _run(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "", "TERM": "xterm", "AZURE_CONFIG_DIR": "/nonexistent"}
    t0 = time.monotonic()
    proc = subprocess.run([*AKSDOCTOR, *args], capture_output=True, text=True, timeout=timeout, env=env, check=False)
    return proc, time.monotonic() - t0


def _hostile_objects() -> list[dict]:
    objs = json.loads(json.dumps(bundle_objects(BUNDLE)))
    for obj in objs:
        meta = obj.setdefault("metadata", {})
        if obj.get("kind") == "Pod":
            obj["spec"]["imagePullSecrets"] = [{"name": "../../kube-system/secrets/x"}]
            container = obj["spec"]["containers"][0]
            container["env"] = [
                {"name": "DB_PASSWORD", "value": CANARY},
                {"name": "STORAGE", "value": f"DefaultEndpointsProtocol=https;AccountName=a;AccountKey={CANARY}"},
                {"name": "AZURE_CLIENT_ID", "value": "00000000-0000-0000-0000-000000000001"},
            ]
            meta.setdefault("annotations", {})["kubectl.kubernetes.io/last-applied-configuration"] = json.dumps(
                {"spec": {"containers": [{"env": [{"name": "TOKEN", "value": CANARY}]}]}}
            )
            meta["annotations"]["note"] = f"{ESC}]8;;http://evil.example{ESC}\\click{ESC}]8;;{ESC}\\ password={CANARY}"
        if obj.get("kind") == "Event":
            obj["message"] = (
                f"{ESC}[31mFailed{ESC}[0m to pull from https://x.blob.core.windows.net/c?sv=1&sig={CANARY} "
                f"[link=http://evil.example]x[/link] [/oops] \x07\x9b2J"
            )
    return objs


@pytest.fixture
def hostile(tmp_path):
    from apiserver import FakeApiServer

    server = FakeApiServer(_hostile_objects()).start()
    server.set_log(
        "shop", POD, "web", f"starting\n{ESC}[2Jpassword={CANARY}\nAuthorization: Bearer {CANARY}xxxxxxxxxxxxxxxx\n"
    )
    try:
        yield server, server.write_kubeconfig(tmp_path / "kubeconfig", context="fixture")
    finally:
        server.stop()


def _clean(text: str) -> None:
    assert CANARY not in text
    assert ESC not in text and "\x07" not in text and "\x9b" not in text


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_nothing_hostile_or_secret_reaches_any_format(hostile, output):
    server, kubeconfig = hostile
    proc, _ = _run("diagnose", POD, "-n", "shop", "--kubeconfig", kubeconfig, "--no-azure", "-o", output)
    assert proc.returncode in (1, 3), proc.stderr
    _clean(proc.stdout)
    _clean(proc.stderr)
    assert "MarkupError" not in proc.stderr
    # the traversal name was never put into a request path
    assert not [r.path for r in server.requests if "kube-system" in r.path], server.requests
    assert all(r.method == "GET" for r in server.requests)


def test_capture_of_a_poisoned_cluster_holds_no_canary(hostile, tmp_path):
    _server, kubeconfig = hostile
    out = tmp_path / "bundle"
    proc, _ = _run(
        "capture", "diagnose", POD, "-n", "shop", "--out", str(out), "--kubeconfig", kubeconfig, "--no-azure"
    )
    assert proc.returncode in (1, 3), proc.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert CANARY not in text, path
        assert ESC not in text, path
    assert "AZURE_CLIENT_ID" in (out / "kubernetes" / "pods.yaml").read_text()  # what runbooks read is kept


def test_log_tails_are_scrubbed_as_they_are_read(hostile):
    from aksdoctor.sources.kube_live import LiveKube

    _server, kubeconfig = hostile
    text = LiveKube(kubeconfig=kubeconfig, context="fixture").logs("shop", POD, "web")
    assert "starting" in text
    _clean(text)


def test_scan_table_prints_markup_in_names_as_text(tmp_path):
    from apiserver import FakeApiServer

    objs = json.loads(json.dumps(bundle_objects(BUNDLE)))
    for obj in objs:
        if obj.get("kind") == "Pod":
            obj["spec"]["containers"][0]["name"] = "web[/oops]"
            obj["metadata"]["name"] = "web-[link=http://evil.example]x"
    with FakeApiServer(objs) as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig", context="fixture")
        proc, _ = _run("scan", "-n", "shop", "--kubeconfig", kubeconfig, "--no-azure")
    assert "MarkupError" not in proc.stderr and proc.returncode in (0, 1, 3), proc.stderr
    assert "[link=http://evil.example]x" in proc.stdout.replace("\n", "")


@pytest.mark.parametrize("mode", ["drip", "endless-continue"])
def test_timeout_is_a_deadline_against_a_hostile_server(tmp_path, mode):
    """A body that drips 16 bytes every 0.2 s, or lists that never end: the process ends within its bound."""
    from apiserver import FakeApiServer

    with FakeApiServer(bundle_objects(BUNDLE)) as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig", context="fixture")
        if mode == "drip":
            server.drip = 0.2
        else:
            server.endless_continue = True
        timeout = 4.0
        proc, elapsed = _run(
            "scan", "-n", "shop", "--kubeconfig", kubeconfig, "--no-azure", "--timeout", str(timeout), "-o", "json"
        )
    overrun = elapsed - timeout
    print(f"{mode}: exit {proc.returncode}, {elapsed:.2f}s for --timeout {timeout} (overrun {overrun:+.2f}s)")
    assert overrun < 2.5, f"{mode}: {elapsed:.1f}s for --timeout {timeout}"
    assert proc.returncode in (3, 4), proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["kind"] in ("error", "scan")


def test_a_list_that_needs_more_pages_reads_them_larger(tmp_path, monkeypatch):
    # the first page is kubectl's 500; a list that did not fit it is read on in pages of 2000 (fewer sequential
    # round trips for a cluster-wide pod list), every item once and in order
    from aksdoctor.sources import kube_live
    from aksdoctor.sources.kube_live import LiveKube
    from aksdoctor.sources.resources import resource

    monkeypatch.setattr(kube_live, "PAGE_SIZE", 1)
    monkeypatch.setattr(kube_live, "NEXT_PAGE_SIZE", 2)
    with served(BUNDLE, tmp_path) as (server, kubeconfig):
        kube = LiveKube(kubeconfig=kubeconfig, context="fixture")
        items = kube.list(resource("events"), "shop")
        limits = [r.query.get("limit") for r in server.requests if r.path == "/api/v1/namespaces/shop/events"]
    want = [o for o in bundle_objects(BUNDLE) if o.get("kind") == "Event"]
    assert len(want) >= 3, "the bundle needs a few events for this test"
    assert len(items) == len(want) and len({i["metadata"]["name"] for i in items}) == len(want)
    assert limits[0] == "1" and set(limits[1:]) == {"2"} and len(limits) == 1 + -(-(len(want) - 1) // 2)


def test_paging_follows_several_pages_and_an_expired_continue(tmp_path, monkeypatch):
    from aksdoctor.sources import kube_live
    from aksdoctor.sources.kube_live import LiveKube
    from aksdoctor.sources.resources import resource

    monkeypatch.setattr(kube_live, "PAGE_SIZE", 1)
    monkeypatch.setattr(kube_live, "NEXT_PAGE_SIZE", 1)
    with served(BUNDLE, tmp_path) as (server, kubeconfig):
        kube = LiveKube(kubeconfig=kubeconfig, context="fixture")
        names = sorted(p["metadata"]["name"] for p in kube.list(resource("nodes")))
        pages = [r for r in server.requests if r.path == "/api/v1/nodes"]
        assert len(names) >= 1 and len(pages) >= len(names)
        # an expired token (410) falls back to one full list, like client-go's pager
        server.clear_requests()
        original = kube._get_json
        calls = {"n": 0}

        def expire_second_page(path, query, **where):
            calls["n"] += 1
            if calls["n"] == 2 and query.get("continue"):
                server.compact()
            return original(path, query, **where)

        monkeypatch.setattr(kube, "_get_json", expire_second_page)
        items = kube.list(resource("events"), "shop")
        assert len(items) == len([o for o in bundle_objects(BUNDLE) if o.get("kind") == "Event"])
    guard = kube.api.rest_client.pool_manager
    assert guard.attempts and set(guard.attempts) == {"GET"}


def test_realworld_ansi_in_event_message_gives_the_verdict_without_the_sequences(cli):
    """tests/realworld/imagepull-ansi-escape-in-event-message (kubernetes/kubernetes#101695): the escape
    sequences are stripped, the verdict is the one the message proves, the hidden link never shows."""
    case = EXAMPLES.parent.parent / "tests" / "realworld" / "imagepull-ansi-escape-in-event-message"
    expected = json.loads((case / "expected.json").read_text())
    args = (case / "COMMAND").read_text().split()[1:]
    for output in ("json", "text", "markdown"):
        result = cli(*args, "--bundle", str(case), "-o", output)
        assert result.exit_code == 1, result.stderr
        assert ESC not in result.stdout and "attacker.example" not in result.stdout
    report = json.loads(cli(*args, "--bundle", str(case), "-o", "json").stdout)
    assert report["causes"][0]["id"] == expected["expected"]["cause"]
    assert all(s in report["causes"][0]["fix"][0]["command"] for s in expected["fix_must_name"])
