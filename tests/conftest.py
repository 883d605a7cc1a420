"""Shared fixtures: the CLI runner, the report schema, the example bundles."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "bundles"
SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests keep start-up caches (help text, parsed runbooks: aksdoctor/usercache.py) out of the user's home;
    subprocesses inherit the variable. Tests of the cache set their own."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture(scope="session")
def validate_report() -> Callable[[dict[str, Any]], None]:
    """Validate a JSON report against docs/report.schema.json."""
    validator = jsonschema.Draft202012Validator(SCHEMA)

    def check(report: dict[str, Any]) -> None:
        errors = sorted(validator.iter_errors(report), key=lambda e: list(e.path))
        assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors)

    return check


@pytest.fixture
def cli() -> Callable[..., Any]:
    """Run the aksdoctor CLI in-process; returns click's Result (stdout, stderr, exit_code)."""
    from aksdoctor.cli.main import app

    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Any:
        return runner.invoke(
            app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1", **(env or {})}, catch_exceptions=False
        )

    return run


def example(name: str) -> Path:
    """Path of an example bundle."""
    path = EXAMPLES / name
    assert path.is_dir(), f"no example bundle {name}"
    return path
