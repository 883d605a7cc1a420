"""The user's cache folder ($XDG_CACHE_HOME/aksdoctor, else ~/.cache/aksdoctor): what start-up keeps between runs
(the rendered `--help`, the parsed runbook files). Nothing in it is cluster or Azure data, and losing it costs
only time: every reader falls back to computing afresh, and a folder that cannot be written is not an error."""

from __future__ import annotations

import os


def cache_path(name: str) -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "aksdoctor", name)


def read_cached(name: str) -> bytes | None:
    try:
        with open(cache_path(name), "rb") as f:
            return f.read()
    except OSError:
        return None


def store_cached(name: str, data: bytes) -> None:
    """Write atomically (a concurrent reader sees the old file or the new one, never half of one)."""
    path = cache_path(name)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home (a container): computed afresh each time


def forget_cached(prefix: str, *, keep: str) -> None:
    """Remove the entries whose name starts with prefix, except keep (what an edit or an upgrade left behind)."""
    folder = os.path.dirname(cache_path(keep))
    try:
        stale = [e.path for e in os.scandir(folder) if e.name.startswith(prefix) and e.name != keep]
        for path in stale:
            os.remove(path)
    except OSError:
        pass


__all__ = ["cache_path", "forget_cached", "read_cached", "store_cached"]
