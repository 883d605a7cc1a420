"""The generated flowcharts parse with the real Mermaid parser (mermaid 11 under jsdom, from the npm registry)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT

HERE = ROOT / "tests" / "mermaid"


@pytest.fixture(scope="module")
def node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "node and npm are needed for the Mermaid check (see README)"
    if not (HERE / "node_modules" / "mermaid").is_dir():
        install = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert install.returncode == 0, install.stderr[-2000:]
    return node


def _parse(node: str, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node, str(HERE / "parse.mjs"), *files], capture_output=True, text=True, timeout=300, check=False
    )


def test_every_generated_flowchart_parses(node):
    pages = sorted(str(p) for p in (ROOT / "docs" / "runbooks").glob("*.md"))
    assert pages
    result = _parse(node, *pages)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("flowchart") == len(pages)


def test_a_broken_flowchart_is_rejected(node, tmp_path):
    page = tmp_path / "broken.md"
    page.write_text('```mermaid\nflowchart TD\n  a{"x"} -->|y| b["z"\n```\n')
    result = _parse(node, str(page))
    assert result.returncode == 1 and "Parse error" in result.stdout
