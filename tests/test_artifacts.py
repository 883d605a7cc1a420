"""The release artifacts work the way the docs say, built and run as a user gets them:

- `python -m build` makes the sdist and the wheel; the wheel, installed into a fresh venv (not the checkout),
  runs the README's first diagnosis and `aksdoctor runbooks docs --check` (runbooks and schema inside it);
- `scripts/release.py` makes `kubectl-aksdoctor`, one file (shiv), which — alone on the PATH of an empty
  environment beside kubectl and python3 — diagnoses an example bundle through `kubectl aksdoctor`; the krew
  manifest it writes carries that archive's sha256 and URI;
- the Dockerfile's build stage, replayed from exactly the files it copies, builds the same wheel; the image's
  user and entry point are the ones the CronJob runs; the manifests pass `kubectl apply --dry-run=client`.

These tests install from the package index (as CI does): about two minutes on a 2-core machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, example

KUBECTL = shutil.which("kubectl")
VERSION = re.search(r'__version__ = "([^"]+)"', (ROOT / "src" / "aksdoctor" / "__init__.py").read_text()).group(1)
PYTHON_BIN = Path(sys.base_prefix) / "bin"  # a python3 with none of our dependencies: not this venv


def _run(args: list[str], **kw) -> subprocess.CompletedProcess[str]:
    kw.setdefault("timeout", 900)
    return subprocess.run(args, capture_output=True, text=True, check=False, **kw)


def _ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"{done.args}: {done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _ok(_run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)]))
    return out


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    wheels = list(dist.glob("*.whl"))
    assert [w.name for w in wheels] == [f"aksdoctor-{VERSION}-py3-none-any.whl"]
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel (and its dependencies from the index) installed: no checkout in sight."""
    path = tmp_path_factory.mktemp("venv") / "v"
    _ok(_run([str(PYTHON_BIN / "python3"), "-m", "venv", str(path)]))
    _ok(_run([str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)]))
    return path


def _clean_env(**extra: str) -> dict[str, str]:
    """An environment without this venv: only what a shell on a user's machine would have."""
    keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR", "PIP_FIND_LINKS")}
    return {**keep, "NO_COLOR": "1", "COLUMNS": "120", **extra}


def _readme_first_diagnosis() -> list[str]:
    """The README's first command, after its `pip install ... &&`."""
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S).group(1)
    first = block.splitlines()[0]
    install, command = first.split("&&", 1)
    assert install.split()[:2] == ["pip", "install"]
    args = shlex.split(command)
    assert args[0] == "aksdoctor"
    return args


def test_sdist_and_wheel_carry_the_runbooks_and_the_schema(dist, wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        runbooks = {n.rsplit("/", 1)[1] for n in names if n.startswith("aksdoctor/runbooks/")}
        assert runbooks == {p.name for p in (ROOT / "runbooks").glob("*.yaml")}
        assert whl.read("aksdoctor/data/report.schema.json") == (ROOT / "docs" / "report.schema.json").read_bytes()
        meta = whl.read(f"aksdoctor-{VERSION}.dist-info/METADATA").decode()
        entry_points = whl.read(f"aksdoctor-{VERSION}.dist-info/entry_points.txt").decode()
    assert f"\nVersion: {VERSION}\n" in meta
    assert "kubectl-aksdoctor = aksdoctor.cli:run" in entry_points
    with tarfile.open(dist / f"aksdoctor-{VERSION}.tar.gz") as sdist:
        members = {m.name for m in sdist.getmembers() if m.isfile()}
    assert f"aksdoctor-{VERSION}/src/aksdoctor/runbooks/imagepull.yaml" in members
    assert f"aksdoctor-{VERSION}/src/aksdoctor/data/report.schema.json" in members


def test_the_installed_wheel_runs_the_readme_diagnosis_and_the_docs_check(venv, tmp_path):
    bin_dir = venv / "bin"
    env = _clean_env(PATH=f"{bin_dir}{os.pathsep}{PYTHON_BIN}", HOME=str(tmp_path))
    where = _ok(
        _run([str(bin_dir / "python"), "-c", "import aksdoctor; print(aksdoctor.__file__)"], cwd=tmp_path, env=env)
    )
    assert where.stdout.startswith(str(venv)), "the package must come from the venv, not the checkout"
    version = _ok(_run(["aksdoctor", "--version"], cwd=tmp_path, env=env))
    assert version.stdout.strip() == f"aksdoctor {VERSION}"

    args = _readme_first_diagnosis()
    bundle = args.index("--bundle") + 1
    args[bundle] = str(ROOT / args[bundle])
    done = _run([*args, "-o", "json"], cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["causes"][0]["id"] == "acr-pull-permission-missing"
    assert "az aks update" in report["causes"][0]["fix"][0]["command"]
    text = _run(args, cwd=tmp_path, env=env, timeout=120)
    assert text.returncode == 1 and "kubelet identity" in text.stdout

    # the generated docs of the checkout are what the wheel's runbooks generate
    check = _run(["aksdoctor", "runbooks", "docs", "--check"], cwd=ROOT, env=env, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    stale = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", stale)
    page = stale / "runbooks" / "imagepull.md"
    page.write_text(page.read_text() + "\nedited by hand\n")
    check = _run(["aksdoctor", "runbooks", "docs", "--check", "--out", str(stale)], cwd=tmp_path, env=env)
    assert check.returncode == 1 and "imagepull.md" in check.stdout


@pytest.fixture(scope="module")
def release(wheel, venv, tmp_path_factory) -> Path:
    """scripts/release.py, reusing the wheel and the venv it is installed in (nothing downloaded twice)."""
    out = tmp_path_factory.mktemp("release")
    site = sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)})
    _ok(
        _run(
            [
                sys.executable,
                str(ROOT / "scripts" / "release.py"),
                "--out",
                str(out),
                "--wheel",
                str(wheel),
                "--site-packages",
                site,
            ]
        )
    )
    return out


@pytest.mark.skipif(KUBECTL is None and not os.environ.get("CI"), reason="kubectl not installed")
def test_single_file_plugin_alone_on_the_path_diagnoses_through_kubectl(release, tmp_path):
    # unpack the krew archive as krew does: one file, executable
    with tarfile.open(release / "kubectl-aksdoctor.tar.gz") as tar:
        assert tar.getnames() == ["kubectl-aksdoctor"]
        tar.extractall(tmp_path / "plugin", filter="data")
    plugin = tmp_path / "plugin" / "kubectl-aksdoctor"
    assert os.access(plugin, os.X_OK)
    assert plugin.read_bytes() == (release / "kubectl-aksdoctor").read_bytes()
    path_dir = tmp_path / "bin"
    path_dir.mkdir()
    shutil.copy2(plugin, path_dir / "kubectl-aksdoctor")
    os.symlink(KUBECTL, path_dir / "kubectl")
    env = _clean_env(PATH=f"{path_dir}{os.pathsep}{PYTHON_BIN}", HOME=str(tmp_path / "home"))
    plugins = _run(["kubectl", "plugin", "list"], env=env, timeout=60)
    assert str(path_dir / "kubectl-aksdoctor") in plugins.stdout

    bundle = example("imagepull-acr-pull-permission-missing")
    done = _run(
        ["kubectl", "aksdoctor", "imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", str(bundle), "-o", "json"],
        env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["causes"][0]["id"] == "acr-pull-permission-missing"
    assert report["tool"]["version"] == VERSION
    assert (tmp_path / "home" / ".shiv").is_dir()  # unpacked once, native extensions load from there
    scan = _run(
        ["kubectl", "aksdoctor", "scan", "-A", "-o", "jsonl", "--bundle", str(example("scan-several-namespaces"))],
        env=env,
        timeout=300,
    )
    assert scan.returncode == 1, scan.stderr[-3000:]
    assert json.loads(scan.stdout.splitlines()[-1])["kind"] == "scan"


def test_release_writes_the_krew_manifest_with_the_archive_hash(release):
    manifest = yaml.safe_load((release / "krew" / "aksdoctor.yaml").read_text())
    platform = manifest["spec"]["platforms"][0]
    archive = release / "kubectl-aksdoctor.tar.gz"
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert platform["sha256"] == digest and set(digest) != {"0"}
    assert platform["uri"].endswith(f"/v{VERSION}/kubectl-aksdoctor.tar.gz")
    assert manifest["spec"]["version"] == f"v{VERSION}"
    assert platform["bin"] == "kubectl-aksdoctor"


def test_no_manifest_in_the_repository_carries_a_made_up_hash():
    for path in (ROOT / "deploy").rglob("*.yaml"):
        text = path.read_text()
        assert not re.search(r"\b0{64}\b", text), f"{path} carries a zero sha256"
        for digest in re.findall(r"sha256:\s*\"?([^\"\s]+)", text):
            assert digest == "${sha256}", f"{path}: a hash is written by scripts/release.py, never by hand"


# --- the container ---------------------------------------------------------------------------------------


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        op, _, rest = line.partition(" ")
        if op == "FROM":
            stages.append([])
        stages[-1].append((op, rest))
    return stages


def _cronjob_container() -> dict:
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "cronjob.yaml").read_text()) if d]
    job = next(d for d in docs if d["kind"] == "CronJob")
    return job["spec"]["jobTemplate"]["spec"]["template"]


def test_the_image_runs_aksdoctor_as_the_cronjobs_user():
    final = dict(_stages()[-1])
    pod = _cronjob_container()
    assert final["USER"] == str(pod["spec"]["securityContext"]["runAsUser"])
    assert json.loads(final["ENTRYPOINT"]) == ["aksdoctor"]
    assert "/dist/aksdoctor-*.whl" in final["RUN"]  # installs the wheel, nothing from the source tree
    image = pod["spec"]["containers"][0]["image"]
    assert image.endswith(f"/aksdoctor:{VERSION}") and "REGISTRY" in image  # says it is yours to build
    cronjob_text = (ROOT / "deploy" / "cronjob.yaml").read_text()
    assert "az acr build" in cronjob_text and "az acr build" in (ROOT / "docs" / "in-cluster.md").read_text()


def test_the_dockerfile_build_stage_builds_the_wheel_from_what_it_copies(wheel, tmp_path):
    """Replay stage 1 without an engine: copy exactly its COPY sources, run its build command."""
    context = tmp_path / "src"
    context.mkdir()
    build = _stages()[0]
    for op, rest in build:
        if op != "COPY":
            continue
        *sources, dest = rest.split()
        for source in sources:
            src = ROOT / source
            target = context / dest / src.name if dest.endswith("/") or dest == "./" else context / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(src, target)
    run = next(rest for op, rest in build if op == "RUN")
    assert "python -m build --wheel --outdir /dist" in run
    out = tmp_path / "dist"
    _ok(_run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(context)]))
    built = next(out.glob("*.whl"))
    assert built.name == wheel.name
    with zipfile.ZipFile(built) as a, zipfile.ZipFile(wheel) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())


def test_the_images_default_command_and_the_cronjobs_parse_against_the_installed_cli(venv, tmp_path):
    cmd = json.loads(dict(_stages()[-1])["CMD"])
    script = _cronjob_container()["spec"]["containers"][0]["command"][2]
    cron_args = shlex.split(script.split(";")[0])[1:]
    env = _clean_env(PATH=f"{venv / 'bin'}{os.pathsep}{PYTHON_BIN}", HOME=str(tmp_path))
    bundle = str(example("scan-several-namespaces"))
    for args in (cmd, cron_args):
        done = _run(["aksdoctor", *args, "--bundle", bundle], env=env, cwd=tmp_path, timeout=120)
        assert done.returncode == 1, done.stderr  # problems found: the args parsed and the scan ran
        assert json.loads(done.stdout.splitlines()[-1])["kind"] == "scan"


@pytest.mark.skipif(KUBECTL is None and not os.environ.get("CI"), reason="kubectl not installed")
def test_manifests_pass_kubectl_apply_dry_run(tmp_path):
    from apiserver import FakeApiServer

    with FakeApiServer([]) as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig", context="fixture")
        env = dict(os.environ, KUBECONFIG=str(kubeconfig), HOME=str(tmp_path))
        done = _run(
            [KUBECTL, "--cache-dir", str(tmp_path / "cache"), "apply", "--dry-run=client", "--validate=false",
             "-f", str(ROOT / "deploy" / "rbac.yaml"), "-f", str(ROOT / "deploy" / "cronjob.yaml")],
            env=env, timeout=60,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "cronjob.batch/aksdoctor-scan created (dry run)" in done.stdout
    assert "clusterrole.rbac.authorization.k8s.io/aksdoctor-reader created (dry run)" in done.stdout
