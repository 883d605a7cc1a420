"""Start-up stays light: which modules `--version`, `--help` and a bundle diagnosis import (the module list,
not the time: bench/bench_startup.py measures the time)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, example

WATCH = ("typer", "rich", "rich.markdown", "pydantic", "kubernetes", "azure", "azure.core", "yaml", "urllib3")
# probe modules of other runbooks than imagepull's (probes/__init__.py imports a probe's module on first use)
OTHER_PROBES = tuple(f"aksdoctor.probes.{m}" for m in ("keyvault", "scheduling", "capacity", "service", "node_health"))
WATCH += (
    "aksdoctor.cli.main",
    "jsonschema",
    "kubernetes_validate",
    "jsonschema_rs",
    "aksdoctor.probes.pods",
    "aksdoctor.probes.acr",
    *OTHER_PROBES,
)
BUNDLE = "imagepull-acr-pull-permission-missing"
DIAGNOSIS = ["imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", str(example(BUNDLE)), "-o", "json"]


def _imports(args: list[str], tmp_path: Path, prog: str = "aksdoctor") -> tuple[list[str], str, int]:
    """Run the console-script entry point in a fresh interpreter; which WATCH modules it loaded, stdout, exit."""
    code = (
        "import json, sys\n"
        f"sys.argv = [{prog!r}, *{args!r}]\n"
        "import aksdoctor.cli\n"
        "def _exit(code):\n    raise SystemExit(code)\n"
        "aksdoctor.cli._exit = _exit  # the real one leaves through os._exit, before we can look\n"
        "from aksdoctor.cli import run\n"
        "code = 0\n"
        "try:\n    run()\nexcept SystemExit as exc:\n    code = exc.code or 0\n"
        "sys.stdout.flush()\n"
        f"mods = set(sys.modules)\nwatch = {WATCH!r}\n"
        "print(json.dumps([w for w in watch if w in mods]), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False
    )
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stdout, done.returncode


def test_version_imports_nothing_but_the_package(tmp_path):
    mods, out, code = _imports(["--version"], tmp_path)
    assert code == 0 and out.startswith("aksdoctor ")
    assert mods == []  # not even typer


def test_help_imports_no_sdk_no_pydantic_no_markdown_and_is_cached(tmp_path):
    first, out1, code1 = _imports(["--help"], tmp_path)
    assert code1 == 0
    assert not {"kubernetes", "azure", "pydantic", "rich.markdown"} & set(first)
    second, out2, code2 = _imports(["--help"], tmp_path)
    assert code2 == 0 and out2 == out1
    assert second == []  # answered from the cache of typer's own rendering
    # the cached text is typer's help, with every command
    typer_help = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv = ['aksdoctor', '--help']\nfrom aksdoctor.cli.main import app\napp()"],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "100"}, timeout=120, check=False,
    ).stdout  # fmt: skip
    assert out1 == typer_help
    for command in ("diagnose", "imagepull", "pending", "keyvault", "nodecpu", "rollout", "scan", "capture"):
        assert f"\n  {command} " in out1
    _mods, out3, _ = _imports(["-h"], tmp_path, prog="kubectl-aksdoctor")
    assert out3.startswith("\nUsage: kubectl-aksdoctor ") or out3.startswith("Usage: kubectl-aksdoctor ")


def test_help_cache_follows_an_edited_command_module(tmp_path):
    _imports(["--help"], tmp_path)
    cached = list((tmp_path / "cache" / "aksdoctor").glob("help-*.txt"))
    assert len(cached) == 1
    cached[0].write_text("Usage: aksdoctor stale\n")
    _mods, out, _ = _imports(["--help"], tmp_path)
    assert out == "Usage: aksdoctor stale\n"  # the same key reads the cache ...
    main = ROOT / "src" / "aksdoctor" / "cli" / "main.py"
    stat = main.stat()
    os.utime(main, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    try:
        _mods, out, _ = _imports(["--help"], tmp_path)
    finally:
        os.utime(main, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert "stale" not in out and "imagepull" in out  # ... an edited command module renders afresh


def test_bundle_diagnosis_imports_no_kubernetes_client(tmp_path):
    mods, out, code = _imports(DIAGNOSIS, tmp_path)
    assert code == 1 and json.loads(out)["causes"][0]["id"] == "acr-pull-permission-missing"
    assert "kubernetes" not in mods and "urllib3" not in mods
    # its Azure reads (clusters, registries, role assignments and definitions) are recorded bodies, read as they
    # are: no SDK client (the SDK modules cost ~300 ms; tests/test_azure_replay.py)
    assert "azure" not in mods and "azure.core" not in mods
    assert "rich" not in mods  # -o json renders without rich
    assert "pydantic" not in mods  # typer < 0.29: 0.29 coerces every parameter through a pydantic TypeAdapter
    # a plain command line is parsed by cli/fast.py as typer would (tests/test_cli_fast.py): no typer, no app
    assert "typer" not in mods and "aksdoctor.cli.main" not in mods
    assert {"aksdoctor.probes.pods", "aksdoctor.probes.acr"} <= set(mods)  # imagepull's probes ...
    assert not set(OTHER_PROBES) & set(mods)  # ... and no other runbook's
    # the OpenAPI check compiles kubernetes-validate's schema files with jsonschema-rs, importing neither
    # jsonschema nor kubernetes_validate's module (with them it cost ~115 ms of a ~520 ms run)
    assert "jsonschema_rs" in mods and not {"jsonschema", "kubernetes_validate"} & set(mods)


def test_a_diagnosis_reads_only_the_runbooks_it_runs(monkeypatch):
    from aksdoctor import runbook
    from aksdoctor.probes import PROBES

    loaded: list[str] = []
    real = runbook.load_runbook

    def spy(path, *args, **kwargs):
        loaded.append(Path(path).stem)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(runbook, "load_runbook", spy)
    books = runbook.Runbooks(PROBES)
    assert "pending" in books and sorted(books) == sorted(runbook.runbook_files()) and loaded == []
    assert books["imagepull"].id == "imagepull" and books["imagepull"] is books["imagepull"]
    assert loaded == ["imagepull"]  # read once, when asked for; the other runbooks stay unread
    assert [b.id for b in books.values()] == sorted(runbook.runbook_files())  # values() reads every one


def test_a_runbook_file_is_parsed_once_for_declarations_and_the_run():
    from aksdoctor import runbook
    from aksdoctor.probes import PROBES

    runbook._parsed.cache_clear()
    runbook.declared.cache_clear()
    runbook.declared()
    parsed = runbook._parsed.cache_info().misses
    runbook.Runbooks(PROBES)["pending"]
    assert runbook._parsed.cache_info().misses == parsed == len(runbook.runbook_files())


def test_bundle_diagnosis_without_azure_imports_no_azure_sdk(tmp_path):
    mods, out, code = _imports([*DIAGNOSIS, "--no-azure"], tmp_path)
    assert code in (1, 3) and json.loads(out)["runbook"] == "imagepull"
    assert not {"kubernetes", "azure", "azure.core", "urllib3", "rich", "typer"} & set(mods)


def test_a_command_line_the_fast_parser_leaves_goes_to_typer_and_its_error(tmp_path):
    """`-o yaml` is refused by typer's choice, in typer's words, with the usage exit code; --debug and --help go
    to typer too."""
    mods, out, code = _imports([*DIAGNOSIS[:-1], "yaml"], tmp_path)
    assert code == 2 and "typer" in mods and out == ""
    mods, out, code = _imports([*DIAGNOSIS, "--debug"], tmp_path)
    assert code == 1 and "typer" in mods and json.loads(out)["causes"][0]["id"] == "acr-pull-permission-missing"
    mods, out, code = _imports(["imagepull", "--help"], tmp_path)
    assert code == 0 and "typer" in mods and "Usage: aksdoctor imagepull [OPTIONS]" in out


def test_runbooks_parse_the_same_with_the_c_loader():
    from aksdoctor.runbook import _RunbookLoader

    assert _RunbookLoader.__mro__[1] is getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class PurePython(yaml.SafeLoader):
        pass

    PurePython.yaml_implicit_resolvers = _RunbookLoader.yaml_implicit_resolvers
    for path in sorted((ROOT / "runbooks").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=_RunbookLoader) == yaml.load(text, Loader=PurePython), path.name
    doc = yaml.load("on: {yes: a, no: b, true: c}", Loader=_RunbookLoader)
    assert doc == {"on": {"yes": "a", "no": "b", True: "c"}}


def test_the_console_script_flushes_everything_and_keeps_the_exit_codes(tmp_path):
    """The entry point leaves through os._exit after flushing: the output is whole, the codes are the contract's."""
    script = Path(sys.executable).parent / "aksdoctor"
    scan = subprocess.run(
        [str(script), "scan", "-A", "-o", "jsonl", "--bundle", str(example("scan-several-namespaces"))],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert scan.returncode == 1
    lines = scan.stdout.splitlines()
    assert [json.loads(line)["kind"] for line in lines][-1] == "scan" and len(lines) > 2
    bad = subprocess.run([str(script), "bogus"], capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and "No such command" in bad.stderr
    unreadable = subprocess.run(
        [str(script), "imagepull", "x", "--bundle", str(tmp_path / "missing")], capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert unreadable.returncode == 4 and "folder" in unreadable.stderr


def test_live_pages_are_decoded_with_orjson_to_the_same_objects():
    import orjson

    from aksdoctor.sources import kube_live

    assert kube_live._loads is orjson.loads  # a dependency: the list pages of a large scan decode 3-4x faster
    page = (example(BUNDLE) / "kubernetes" / "pod.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(page)
    raw = json.dumps(doc, ensure_ascii=False).encode()
    assert kube_live._loads(raw) == json.loads(raw)


def _fresh_parse_caches(runbook) -> None:
    runbook._parsed.cache_clear()
    runbook.declared.cache_clear()


def test_a_runbook_parse_is_kept_in_the_user_cache_and_read_back(monkeypatch, tmp_path):
    from aksdoctor import runbook

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _fresh_parse_caches(runbook)
    files = runbook.runbook_files()
    first = {rid: runbook._document(path) for rid, path in files.items()}
    assert first == {rid: yaml.load(p.read_text(), Loader=runbook._RunbookLoader) for rid, p in files.items()}
    stored = sorted(p.name.split(".")[1] for p in (tmp_path / "aksdoctor").glob("runbook.*.json"))
    assert stored == sorted(files)  # every shipped runbook is JSON-safe, so every one is kept

    def no_yaml(*_args, **_kwargs):
        raise AssertionError("parsed again although the cache holds it")

    _fresh_parse_caches(runbook)  # as a new process would start
    monkeypatch.setattr(runbook.yaml, "load", no_yaml)
    assert {rid: runbook._document(path) for rid, path in files.items()} == first


def test_an_edited_torn_or_unsafe_runbook_file_is_parsed_afresh(monkeypatch, tmp_path):
    from aksdoctor import runbook

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    book = tmp_path / "demo.yaml"
    book.write_text("id: demo\non: {yes: a}\n")
    _fresh_parse_caches(runbook)
    assert runbook._document(book) == {"id": "demo", "on": {"yes": "a"}}  # YAML 1.2 booleans, as parsed
    (entry,) = (tmp_path / "cache" / "aksdoctor").glob("runbook.demo.*.json")

    entry.write_bytes(b'{"id": "dem')  # torn (a crash mid-write elsewhere)
    _fresh_parse_caches(runbook)
    assert runbook._document(book) == {"id": "demo", "on": {"yes": "a"}}

    book.write_text("id: demo2\n")  # edited: size and mtime change the key; the old entry is removed
    os.utime(book, ns=(1, 10**18))
    _fresh_parse_caches(runbook)
    assert runbook._document(book) == {"id": "demo2"}
    assert len(list((tmp_path / "cache" / "aksdoctor").glob("runbook.demo.*.json"))) == 1

    book.write_text("id: demo\nwhen: 2024-01-01\n")  # a timestamp JSON would turn into a string: not kept
    os.utime(book, ns=(1, 2 * 10**18))
    _fresh_parse_caches(runbook)
    assert str(runbook._document(book)["when"]) == "2024-01-01" and not isinstance(runbook._document(book)["when"], str)
    assert not list((tmp_path / "cache" / "aksdoctor").glob("runbook.demo.*.json"))


def test_no_bundle_whose_azure_answers_are_plain_bodies_imports_the_azure_sdk(tmp_path):
    """Every example and real-world case whose azure/ recordings are all 2xx bodies is diagnosed without importing
    azure-core or any SDK client (a recorded error goes through the SDK, which words it as a live run does)."""
    from conftest import EXAMPLES
    from corpus import REALWORLD

    plain = []
    for folder in sorted(EXAMPLES.iterdir()) + sorted(REALWORLD.iterdir()):
        if not (folder / "COMMAND").is_file() or not (folder / "azure").is_dir():
            continue
        lines = [ln for f in (folder / "azure").glob("*.jsonl") for ln in f.read_text().splitlines() if ln.strip()]
        if all(200 <= json.loads(ln).get("status", 200) < 300 for ln in lines):
            args = [*shlex.split((folder / "COMMAND").read_text())[1:], "--bundle", str(folder), "-o", "json"]
            plain.append((folder.name, args))
    assert len(plain) > 100
    code = (
        "import contextlib, io, json, sys\n"
        "import aksdoctor.cli\n"
        "def _exit(code):\n    raise SystemExit(code)\n"
        "aksdoctor.cli._exit = _exit\n"
        "from aksdoctor.cli import run\n"
        f"for name, args in {plain!r}:\n"
        "    sys.argv = ['aksdoctor', *args]\n"
        "    with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "        try:\n            run()\n        except SystemExit:\n            pass\n"
        "    assert json.loads(out.getvalue()), name\n"
        "    sdk = sorted(m for m in sys.modules if m == 'azure' or m.startswith('azure.'))\n"
        "    if sdk:\n        print(name, sdk[:3])\n        break\n"
        "else:\n    print('none')\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "none", f"imported the Azure SDK: {done.stdout.strip()}"
