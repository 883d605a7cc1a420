"""At a terminal: a spinner on stderr while probing, for text output only; never in JSON or Markdown."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys

import pytest

from conftest import EXAMPLES

SPINNER_TEXT = b"diagnosing pod shop/web-7d9f8-x2x"


def _run_with_terminal_stderr(*args: str) -> tuple[int, bytes, bytes]:
    """Run the installed CLI with stderr on a pseudo-terminal and stdout piped."""
    controller, terminal = pty.openpty()
    command = [os.path.join(os.path.dirname(sys.executable), "aksdoctor"), *args]
    with subprocess.Popen(
        command,
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    ) as proc:
        os.close(terminal)
        out = proc.stdout.read() if proc.stdout else b""
        proc.wait(timeout=60)
    err = b""
    while select.select([controller], [], [], 0.5)[0]:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    os.close(controller)
    return proc.returncode, out, err


BUNDLE = str(EXAMPLES / "imagepull-image-tag-not-found")


def test_text_output_shows_a_spinner_on_the_terminal():
    code, out, err = _run_with_terminal_stderr("imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", BUNDLE)
    assert code == 1
    assert SPINNER_TEXT in err and SPINNER_TEXT not in out
    assert out.startswith(b"PROBLEM  imagepull")


@pytest.mark.parametrize("output", ["json", "markdown"])
def test_machine_output_never_shows_a_spinner(output):
    code, out, err = _run_with_terminal_stderr(
        "imagepull", "web-7d9f8-x2x", "-n", "shop", "--bundle", BUNDLE, "-o", output
    )
    assert code == 1
    assert err == b""
    assert SPINNER_TEXT not in out


@pytest.mark.parametrize("runbook", ["imagepull", "pending", "keyvault", "nodecpu", "rollout"])
def test_every_runbook_tree_prints(cli, runbook):
    result = cli("runbooks", "show", runbook, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "cause/" in result.stdout and "healthy" in result.stdout
