"""Run every example with a COMMAND live (API server fixture + Azure through `responses`) and count the
requests each side received, by method: the read-only promise, measured.

    python bench/count_requests.py
"""

from __future__ import annotations

import collections
import shlex
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    import pytest
    from typer.testing import CliRunner

    from aksdoctor.cli.main import app
    from live import azure_mock, served

    kube: collections.Counter[str] = collections.Counter()
    azure: collections.Counter[str] = collections.Counter()
    examples = sorted(p for p in (ROOT / "examples" / "bundles").iterdir() if (p / "COMMAND").is_file())
    for bundle in examples:
        args = shlex.split((bundle / "COMMAND").read_text())[1:]
        extra = [] if (bundle / "azure").is_dir() else ["--no-azure"]
        with (
            tempfile.TemporaryDirectory() as tmp,
            pytest.MonkeyPatch.context() as mp,
            served(bundle, Path(tmp)) as (server, kubeconfig),
            azure_mock(bundle, mp) as mock,
        ):
            CliRunner().invoke(app, [*args, "--kubeconfig", kubeconfig, "--context", "fixture", "-o", "json", *extra])
            kube.update(r.method for r in server.requests)
            azure.update(c.request.method for c in mock.calls)
    print(f"examples run live: {len(examples)}")
    print(f"kubernetes requests by method: {dict(kube)}")
    print(f"azure requests by method: {dict(azure)}")


if __name__ == "__main__":
    main()
