"""Project-wide checks: layering, lint, and that --help stays light."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(ROOT / ".venv-ci" / "bin")) or shutil.which(name)
    if path is None:
        bindir = __import__("pathlib").Path(sys.executable).parent
        path = shutil.which(name, path=str(bindir))
    assert path, f"{name} is not installed (pip install -e '.[test]')"
    return path


def test_import_layers_hold():
    result = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_is_clean():
    result = subprocess.run(
        [_tool("ruff"), "check", "src", "tests", "scripts", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("args", [["--help"], ["imagepull", "--help"], ["runbooks", "--help"], ["--version"]])
def test_help_imports_neither_kubernetes_nor_azure(args):
    code = (
        "import sys\n"
        "from aksdoctor.cli.main import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('kubernetes', 'azure', 'urllib3', 'requests'))\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={"COLUMNS": "100", "PATH": ""},
    )
    assert "HEAVY []" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]


def test_generated_docs_are_up_to_date(cli):
    result = cli("runbooks", "docs", "--out", str(ROOT / "docs"), "--check")
    assert result.exit_code == 0, f"run `aksdoctor runbooks docs` and commit:\n{result.stdout}"


def test_the_probe_table_lists_every_probe_function_and_nothing_else():
    """probes/__init__.py imports a probe's module on first use from its table: the table must name every
    @probe function of the package, under its own id, and nothing that is not one."""
    import importlib
    import pkgutil

    import aksdoctor.probes as pkg

    decorated = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for name, fn in vars(module).items():
            spec = getattr(fn, "__probe__", None)
            if spec is not None and fn.__module__ == module.__name__:
                assert spec.id not in decorated, f"probe id {spec.id} used twice"
                decorated[spec.id] = f"{info.name}.{name}"
    assert decorated == pkg.INDEX
    assert all(pkg.PROBES[pid].fn.__probe__.id == pid for pid in pkg.PROBES)


def test_every_flowchart_names_every_node_and_cause():
    from aksdoctor.probes import PROBES
    from aksdoctor.render.runbook_docs import flowchart
    from aksdoctor.runbook import load_all

    for book in load_all(PROBES).values():
        chart = "\n".join(flowchart(book))
        assert chart.startswith("flowchart TD")
        for cause in book.causes:
            assert f'["{cause}"]' in chart
        edges = sum(len(n.on) for n in book.nodes.values())
        assert chart.count(" -->|") == edges


def test_kubectl_plugin_runs_through_kubectl(tmp_path):
    import os

    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed on the PATH (see README)"
    bindir = str(__import__("pathlib").Path(sys.executable).parent)
    assert shutil.which("kubectl-aksdoctor", path=bindir), (
        "the kubectl-aksdoctor entry point is installed with the package"
    )
    env = {**os.environ, "PATH": f"{bindir}:{os.environ.get('PATH', '')}", "HOME": str(tmp_path)}
    result = subprocess.run(
        [kubectl, "aksdoctor", "--version"], capture_output=True, text=True, check=False, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    from aksdoctor import __version__

    assert result.stdout.strip() == f"aksdoctor {__version__}"


def test_changelog_is_keep_a_changelog_with_the_package_version():
    from aksdoctor import __version__

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## [Unreleased]"
    assert any(h.startswith(f"## [{__version__}]") for h in headings), f"no section for version {__version__}"
    assert "keepachangelog.com" in text


@pytest.mark.parametrize("command", ["diagnose", "imagepull", "pending", "keyvault", "nodecpu", "rollout", "upgrade", "node", "service"])
def test_every_diagnosis_command_has_the_common_options(cli, command):
    text = cli(command, "--help", env={"COLUMNS": "200"}).stdout
    for option in (
        "--context",
        "--kubeconfig",
        "--output",
        "--subscription",
        "--resource-group",
        "--cluster",
        "--bundle",
        "--timeout",
        "--no-azure",
        "--verbose",
        "--debug",
        "--redact",
    ):
        assert option in text, f"{command} lacks {option}"


def test_docs_list_the_answers_that_prove_each_cause():
    from aksdoctor.probes import PROBES
    from aksdoctor.render.runbook_docs import cause_paths
    from aksdoctor.runbook import load_all

    books = load_all(PROBES)
    for book in books.values():
        paths = cause_paths(book)
        assert set(paths) == set(book.causes), book.id  # every cause is reachable, and shown with its evidence
    acr = cause_paths(books["imagepull"])["acr-pull-permission-missing"]
    # every path to it passes through the kubelet identity's missing role (an unclassified wording adds
    # paths that also check the pod sends no pull secret for the registry)
    assert all(("acr.kubelet_can_pull", "no") in path for path in acr)
    assert [step[-1] for step in acr].count(("acr.kubelet_can_pull", "no")) == 3
    assert any(("pod.pull_error", "forbidden") in path for path in acr)
