"""cli/fast.py parses a plain diagnosis command line without typer. It must give each command exactly the call
typer gives it, and leave to typer every command line it cannot parse the same way."""

from __future__ import annotations

import dataclasses
import random

import pytest
import typer
from typer.testing import CliRunner

from aksdoctor.cli import fast, running
from aksdoctor.cli.main import app

COMMANDS = sorted(fast.COMMANDS)


def _type(param) -> str:
    """The class name of a parameter's type (typer vendors click: its classes are private, their names are not)."""
    return type(param.type).__name__


def _click_command(name: str):
    return typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", COMMANDS)
def test_the_table_is_what_typer_builds_for_the_command(name):
    """Every option of the click command typer builds is in the table with the same names, value type, default
    source and count/flag nature (or is --help/--debug, which go to typer); exactly one required argument."""
    _runbook, _kind, skip, own = fast.COMMANDS[name]
    table = {field: (names, how) for field, names, how in fast.COMMON if field not in skip}
    table.update({"extra:" + key: ((flag,), "str") for flag, key in own.items()})
    by_names = {names: (field, how) for field, (names, how) in table.items()}
    params = _click_command(name).params
    arguments = [p for p in params if p.param_type_name == "argument"]
    assert len(arguments) == 1 and arguments[0].required and arguments[0].nargs == 1
    assert _type(arguments[0]) == "StringParamType"
    seen = set()
    for param in params:
        if param.param_type_name != "option" or param.name == "debug" or "--help" in param.opts:
            continue
        assert not param.secondary_opts and not param.multiple and param.nargs in (0, 1) and param.callback is None
        field, how = by_names[tuple(param.opts)]  # KeyError: an option typer has and the table does not
        seen.add(field)
        envvar = fast.ENVVARS.get(field)
        assert param.envvar == envvar, (name, field)
        if how == "flag":
            assert param.is_flag and not param.count and param.default is False
        elif how == "count":
            assert param.count and param.default == 0
        elif how == "output":
            assert _type(param) == "TyperChoice" and param.type.case_sensitive
            assert tuple(str(getattr(c, "value", c)) for c in param.type.choices) == fast.OUTPUTS == tuple(o.value for o in running.Output)
        elif how == "timeout":
            t = param.type
            assert _type(param) == "FloatRange" and (t.min, t.max, t.min_open, t.clamp) == (fast.TIMEOUT_MIN, None, False, False)
        elif how == "directory":
            t = param.type
            assert _type(param) == "TyperPath"
            assert (t.exists, t.file_okay, t.dir_okay, t.readable, t.writable, t.resolve_path, t.allow_dash) == (
                False, False, True, True, False, False, False,
            )  # fmt: skip
        else:
            assert how == "str" and _type(param) == "StringParamType" and not param.is_flag
    assert seen == set(table)  # nothing in the table that typer does not have


# Values that take every branch of click's parsing and of the types' conversions.
def _values(tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir(exist_ok=True)
    afile = tmp_path / "file.yaml"
    afile.write_text("x: 1\n")
    return {
        "str": ["shop", "", "a=b", "=shop", "-x", "--help", "kube-system", "ünï"],
        "output": ["json", "text", "jsonl", "markdown", "JSON", "yaml", ""],
        "timeout": ["5", "1", "1.0", "0.5", "0", "-3", "inf", "1e3", " 7 ", "abc", "1_0", ""],
        "directory": [str(folder), str(afile), str(tmp_path / "missing"), ""],
    }


def _command_lines(tmp_path, seed: int, count: int):
    rnd = random.Random(seed)
    values = _values(tmp_path)
    noise = ["--help", "-h", "--debug", "--", "--bogus", "-x", "--no-azure=1", "--verbose=2", "-vx", "-", "--namespace"]
    for _ in range(count):
        name = rnd.choice(COMMANDS)
        _runbook, _kind, skip, own = fast.COMMANDS[name]
        options = [(names, how) for field, names, how in fast.COMMON if field not in skip]
        options += [((flag,), "str") for flag in own]
        tokens: list[str] = []
        for names, how in rnd.sample(options, rnd.randint(0, len(options))):
            opt = rnd.choice(names)
            if how == "flag":
                tokens.append(opt)
            elif how == "count":
                tokens.append(rnd.choice([opt, "-v", "-vv", "-vvv", "--verbose"]))
            else:
                value = rnd.choice(values[how if how in values else "str"])
                form = rnd.choice(["space", "attached"] if opt.startswith("--") or len(opt) == 2 else ["space"])
                if form == "attached":
                    tokens.append(f"{opt}={value}" if opt.startswith("--") else f"{opt}{value}")
                else:
                    tokens += [opt, value]
        target = rnd.choice(["web-7d9f8-x2x", "deploy/web", "svc/api", "node/aks-1", "x"])
        tokens.insert(rnd.randint(0, len(tokens)), target)
        if rnd.random() < 0.15:
            tokens.insert(rnd.randint(0, len(tokens)), rnd.choice(noise))
        if rnd.random() < 0.05:
            tokens.append("extra-argument")
        if rnd.random() < 0.05:
            tokens = [t for t in tokens if t != target]
        yield [name, *tokens], rnd.random() < 0.3


def _record(monkeypatch):
    calls: list[tuple] = []

    def diagnosis_code(runbook, kind, name, flags, extra=None):
        calls.append((runbook, kind, name, repr(dataclasses.asdict(flags)), dict(extra or {})))
        return 0

    monkeypatch.setattr(running, "diagnosis_code", diagnosis_code)
    return calls


def test_the_fast_parser_gives_every_command_the_call_typer_gives_it(tmp_path, monkeypatch):
    """1500 generated command lines (every option in each of its forms, values that typer refuses, noise):
    where the fast parser answers, typer parses the line too and makes the same call; where typer refuses a
    line, the fast parser has left it to typer."""
    calls = _record(monkeypatch)
    runner = CliRunner()
    answered = refused_by_typer = 0
    for argv, with_kubeconfig in _command_lines(tmp_path, seed=17, count=1500):
        env = {"KUBECONFIG": "/k/config" if with_kubeconfig else ""}
        for var, value in env.items():
            monkeypatch.setenv(var, value)
        parsed = fast.parse(argv, {**env})
        calls.clear()
        result = runner.invoke(app, argv, env=env)
        typer_call = calls[:]
        if result.exit_code != 0:
            refused_by_typer += 1
            assert parsed is None, (argv, result.output)
            continue
        if parsed is None:
            continue
        answered += 1
        calls.clear()
        assert fast.run(argv) == 0
        assert calls == typer_call, argv
    assert answered > 500 and refused_by_typer > 100  # both sides of the contract were exercised


@pytest.mark.parametrize(
    "argv",
    [
        ["imagepull", "web", "-n", "shop", "--bundle", "b", "-o", "json"],
        ["pending", "web", "--namespace=shop", "--bundle=b", "-ojson", "--no-azure"],
        ["rollout", "deploy/web", "-n", "shop", "--timeout", "30", "-vv"],
        ["keyvault", "web", "--vault", "kv-shop", "--redact", "-o", "markdown"],
        ["node", "aks-nodepool1-1-vmss000000", "--cluster", "aks-prod", "-g", "rg"],
        ["diagnose", "svc/api", "-n", "shop"],
    ],
)
def test_the_plain_command_lines_of_a_diagnosis_take_the_fast_path(argv):
    assert fast.parse(argv, {}) is not None


@pytest.mark.parametrize(
    "argv",
    [
        ["imagepull", "web", "--debug"],  # typer prints the traceback
        ["imagepull", "--help"],
        ["imagepull", "web", "-h"],
        ["imagepull"],  # typer: Missing argument
        ["imagepull", "web", "other"],  # typer: unexpected extra argument
        ["imagepull", "web", "-o", "yaml"],
        ["imagepull", "web", "--timeout", "0.5"],
        ["node", "n1", "-n", "shop"],  # node has no --namespace
        ["scan", "-A"],  # not a one-object diagnosis
        ["--version"],
    ],
)
def test_what_typer_must_word_goes_to_typer(argv):
    assert fast.parse(argv, {}) is None


def test_shell_completion_goes_to_typer():
    assert fast.parse(["imagepull", "web"], {"_AKSDOCTOR_COMPLETE": "bash_complete"}) is None


def test_the_kubeconfig_variable_is_read_as_click_reads_it():
    assert fast.parse(["imagepull", "web"], {"KUBECONFIG": "/a:/b"}).flags == {"kubeconfig": "/a:/b"}
    assert fast.parse(["imagepull", "web"], {"KUBECONFIG": ""}).flags == {}  # empty: not set
    given = fast.parse(["imagepull", "web", "--kubeconfig", "/c"], {"KUBECONFIG": "/a"})
    assert given.flags == {"kubeconfig": "/c"}
