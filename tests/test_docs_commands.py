"""Every command in README.md and docs/ runs as documented.

The README's cluster is served live: the objects of examples/bundles/imagepull-acr-pull-permission-missing
through the API server fixture (kubeconfig contexts `fixture`, `prod-weu`, `prod-neu`), its Azure recordings
through `responses`. Each doc's shell lines run in order in one scratch folder (so `capture --out evidence/`
then `--bundle evidence/` reads what was captured), redirections and `| jq` included. A live command must
give the verdict the same command gives on the bundle; a command that cannot work there (a bundle folder that
does not exist yet) must fail with the documented exit code. Commands of other tools are listed with the
test that covers them; a new one fails here until it is.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from live import azure_mock, served

CLUSTER = ROOT / "examples" / "bundles" / "imagepull-acr-pull-permission-missing"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "docs" / "spec").glob("*.md"))]
EXIT_CODES = {0, 1, 2, 3, 4}

# Other tools' commands in the docs, by their first words, and what covers each.
EXTERNAL = {
    ("pip", "install"): "tests/test_artifacts.py installs the wheel into a fresh venv; .ci/run installs -e '.[test]'",
    ("python", "-m", "pytest"): ".ci/run",
    ("python", "-m", "venv"): "tests/test_artifacts.py",
    ("python", "-m", "build"): "tests/test_artifacts.py",
    ("python", "scripts/release.py"): "tests/test_artifacts.py runs it",
    ("python", "bench/bench_startup.py"): "a benchmark (the file must exist)",
    ("python", "bench/bench_imagepull.py"): "a benchmark (the file must exist)",
    ("python", "bench/bench_live_vs_kubectl.py"): "a benchmark (the file must exist)",
    ("python", "bench/bench_pending_scale.py"): "a benchmark (the file must exist)",
    (".", ".venv/bin/activate"): "shell",
    ("az", "login"): "Azure CLI: no Azure here",
    ("az", "aks", "get-credentials"): "Azure CLI: no Azure here",
    ("az", "acr", "build"): "Azure CLI: no Azure here; tests/test_artifacts.py replays the Dockerfile's build stage",
    ("kubelogin",): "no Entra ID here",
    ("docker",): "no Docker engine here; tests/test_artifacts.py replays the Dockerfile's build stage",
    ("kubectl", "apply"): "tests/test_artifacts.py: kubectl apply --dry-run=client against the API server fixture",
    ("kubectl", "krew"): "krew is not installed here; tests/test_artifacts.py checks the manifest and its archive",
}


def _shell_lines(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```(?:sh|bash|shell)\n(.*?)```", text, flags=re.S):
        lines.extend(line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    # inline `aksdoctor SUBCOMMAND ARG...` commands without placeholders (POD, NAME, DIR); a bare
    # `aksdoctor capture` in prose names the command, it is not one to run
    for inline in re.findall(r"`((?:kubectl )?aksdoctor [^`]+)`", text):
        if (
            not re.search(r"\b[A-Z]{3,}\b", inline)
            and len(inline.split()) >= 3
            and "--install-completion" not in inline
        ):
            lines.append(inline)
    return lines


def _segments(line: str) -> list[list[str]]:
    """`a && b | c > f` -> [[a...], [b..., '|', c..., '>', f]]: each `&&` part as tokens."""
    tokens = shlex.split(line, comments=True)
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token == "&&":
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if p]


def _aksdoctor_args(tokens: list[str]) -> list[str] | None:
    if tokens[:1] == ["aksdoctor"]:
        return tokens[1:]
    if tokens[:2] == ["kubectl", "aksdoctor"]:  # kubectl's dispatch to the plugin: tests/test_artifacts.py
        return tokens[2:]
    return None


def _external(tokens: list[str]) -> str | None:
    for words, why in EXTERNAL.items():
        if tuple(tokens[: len(words)]) == words:
            return why
    return None


def _kubeconfig(server, path: Path) -> str:
    kubeconfig = server.write_kubeconfig(path, context="fixture", namespace="shop")
    config = json.loads(Path(kubeconfig).read_text())
    base = config["contexts"][0]
    config["contexts"] += [{"name": name, "context": dict(base["context"])} for name in ("prod-weu", "prod-neu")]
    Path(kubeconfig).write_text(json.dumps(config))
    return kubeconfig


def _verdict(result) -> tuple:
    """What a user routes on: the exit code and, for a report, the status and cause ids."""
    try:
        doc = json.loads(result.stdout)
    except json.JSONDecodeError:
        return (result.exit_code,)
    if doc.get("kind") == "scan":
        return (result.exit_code, sorted(f["causes"][0]["id"] for f in doc["findings"] if f["causes"]))
    return (result.exit_code, doc["status"], [c["id"] for c in doc["causes"]])


def _with_json(args: list[str]) -> list[str]:
    out, skip = [], False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg in ("-o", "--output"):
            skip = i + 1 < len(args)
            continue
        out.append(arg)
    return [*out, "-o", "json"]


def _cluster_for(args: list[str]) -> Path:
    """The example whose COMMAND is this command (e.g. `rollout deploy/web -n shop`), else the README's cluster."""
    plain = [a for a in _with_json(args)[:-2] if a not in ("--redact",)]
    commands = sorted((ROOT / "examples" / "bundles").glob("*/COMMAND"))
    for command in commands:
        if shlex.split(command.read_text())[1:] == plain:
            return command.parent
    # `diagnose svc/checkout -n shop`, `service checkout -n shop --from web/x`: the example of the same object
    want = _object(plain)
    for command in commands:
        if want[0] and _object(shlex.split(command.read_text())[1:]) == want:
            return command.parent
    return CLUSTER


def _object(args: list[str]) -> tuple[str | None, str | None]:
    """(target name without its TYPE/ prefix, namespace) of `SUBCOMMAND TARGET [-n NS] [--opt VALUE ...]`."""
    rest, name, namespace = list(args[1:]), None, None
    while rest:
        word = rest.pop(0)
        if word in ("-n", "--namespace"):
            namespace = rest.pop(0) if rest else None
        elif word.startswith("-"):
            if rest and not rest[0].startswith("-") and "=" not in word:
                rest.pop(0)
        elif name is None:
            name = word.split("/", 1)[-1]
    return name, namespace


def _bundle_twin(args: list[str], cluster: Path) -> list[str] | None:
    """The same diagnosis on the bundle the live cluster serves (None for commands that read no cluster)."""
    if not args or args[0] in ("runbooks", "capture") or args[0].startswith("-"):
        return None
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--context":
            skip = True
            continue
        out.append(arg)
    return [*_with_json(out), "--bundle", str(cluster)]


@pytest.mark.parametrize("page", [p for p in PAGES if _shell_lines(p)], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_command_of_the_page_runs_as_documented(page, cli, tmp_path, monkeypatch, validate_report):
    lines = _shell_lines(page)
    work = tmp_path / "work"
    work.mkdir()
    (work / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(work)
    ran = 0
    for line in lines:
        for tokens in _segments(line):
            args = _aksdoctor_args(tokens)
            if args is None:
                why = _external(tokens)
                assert why, f"{page.name}: no test covers {' '.join(tokens)!r}; add it to EXTERNAL with one"
                for token in tokens:
                    if re.match(r"^(bench|scripts|deploy)/", token):
                        assert (ROOT / token).exists(), f"{page.name}: {token} does not exist"
                continue
            redirect = pipe = None
            if ">" in args:
                args, redirect = args[: args.index(">")], args[args.index(">") + 1]
            if "|" in args:
                args, pipe = args[: args.index("|")], args[args.index("|") + 1 :]
            cluster = _cluster_for(args)
            with served(cluster, tmp_path) as (server, _), azure_mock(cluster, monkeypatch):
                env = {"KUBECONFIG": _kubeconfig(server, tmp_path / "kubeconfig"), "HOME": str(tmp_path)}
                result = cli(*args, env=env)
                ran += 1
                where = f"{page.name}: aksdoctor {' '.join(args)}"
                assert result.exit_code in EXIT_CODES, f"{where}: exit {result.exit_code}"
                assert "internal error" not in result.stderr, f"{where}: {result.stderr}"
                bundle = args[args.index("--bundle") + 1] if "--bundle" in args else None
                if bundle is not None and not (work / bundle).is_dir():
                    assert result.exit_code == 4 and "not a folder" in result.stderr, f"{where}: {result.stderr}"
                    continue
                assert result.exit_code not in (2, 4), f"{where}: {result.stderr}"
                if redirect:
                    (work / redirect).write_text(result.stdout)
                    assert (work / redirect).stat().st_size > 0
                if pipe:
                    assert pipe[0] == "jq" and shutil.which("jq"), f"{where}: pipes into {pipe[0]}"
                    jq = subprocess.run(pipe, input=result.stdout, capture_output=True, text=True, check=False)
                    assert jq.returncode == 0 and jq.stdout.strip(), f"{where} | jq: {jq.stderr}"
                if "-o" in args and args[args.index("-o") + 1] == "json" and args[0] != "scan":
                    validate_report(json.loads(result.stdout))
                twin = _bundle_twin(args, cluster) if bundle is None else None
                if twin is not None:
                    live = _verdict(cli(*_with_json(args), env=env))
                    offline = _verdict(cli(*twin, env=env))
                    if args[0] == "scan":  # the bundle holds no metrics: live also sees metrics-server missing
                        copies = max(1, args.count("--context"))  # each context sees the same cluster
                        assert live[0] == offline[0], f"{where}: live {live} != bundle {offline}"
                        assert set(offline[1]) <= set(live[1]), f"{where}: live {live} misses bundle {offline}"
                        assert len(live[1]) >= copies * len(offline[1])
                    elif offline[0] != 3:  # inconclusive on the bundle: it lacks what the live cluster answers
                        assert live == offline, f"{where}: live {live} != bundle {offline}"
                if bundle is not None and bundle.startswith("evidence"):  # what was captured gives the same verdict
                    live_args = [a for a in args if a not in ("--bundle", bundle)]
                    assert _verdict(cli(*_with_json(args), env=env)) == _verdict(cli(*_with_json(live_args), env=env))
    assert ran


def test_v_logs_each_kubernetes_request_as_the_flag_table_says(cli, tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| `-v` | log each Kubernetes API request to stderr" in readme
    with served(CLUSTER, tmp_path) as (server, _), azure_mock(CLUSTER, monkeypatch):
        env = {"KUBECONFIG": _kubeconfig(server, tmp_path / "kubeconfig"), "HOME": str(tmp_path)}
        quiet = cli("imagepull", "web-7d9f8-x2x", "-n", "shop", "-o", "json", env=env)
        loud = cli("imagepull", "web-7d9f8-x2x", "-n", "shop", "-o", "json", "-v", env=env)
    assert "GET " not in quiet.stderr
    assert "GET /api/v1/namespaces/shop/pods/web-7d9f8-x2x" in loud.stderr
    assert _verdict(quiet) == _verdict(loud)
