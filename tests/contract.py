"""The cause catalog contract (specs/causes.md), read from the shared specs or the copy in docs/."""

from __future__ import annotations

import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = (ROOT.parent / "shared" / "specs" / "causes.md", ROOT / "docs" / "spec" / "causes.md")


@functools.lru_cache(maxsize=1)
def catalog() -> dict[str, set[str]]:
    """Runbook id -> cause ids of the catalog."""
    path = next(p for p in CANDIDATES if p.is_file())
    out: dict[str, set[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"^## (\w+) — ", line):
            current = heading.group(1)
            out[current] = set()
        elif current and (row := re.match(r"^\| ([a-z][a-z0-9 /-]*?) \|", line)) and row.group(1) != "id":
            out[current].update(part.strip() for part in row.group(1).split("/"))
    return out
