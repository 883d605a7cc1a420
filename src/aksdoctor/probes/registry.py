"""Probe metadata: the decorator that names a probe and the outcomes it can answer."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import NO, UNKNOWN, YES, Outcome

ProbeFn = Callable[..., Outcome]


@dataclass(frozen=True)
class ProbeSpec:
    """A registered probe: id, function, the answers it can give, and what it reads."""

    id: str
    fn: ProbeFn
    outcomes: tuple[str, ...]
    needs: tuple[str, ...]
    question: str

    def __call__(self, ev: object) -> Outcome:
        return self.fn(ev)


def probe(
    probe_id: str, *, outcomes: Iterable[str] = (YES, NO), needs: Iterable[str] = ()
) -> Callable[[ProbeFn], ProbeFn]:
    """Mark a function as a probe; it is registered by the explicit list in probes/__init__.py."""

    def mark(fn: ProbeFn) -> ProbeFn:
        doc = inspect.getdoc(fn) or ""
        fn.__probe__ = ProbeSpec(  # type: ignore[attr-defined]
            id=probe_id,
            fn=fn,
            outcomes=(*tuple(outcomes), UNKNOWN),
            needs=tuple(needs),
            question=doc.splitlines()[0] if doc else probe_id,
        )
        return fn

    return mark


def register(*fns: ProbeFn) -> dict[str, ProbeSpec]:
    """Build the registry from probe functions; duplicate ids are a programming error."""
    out: dict[str, ProbeSpec] = {}
    for fn in fns:
        spec: ProbeSpec = fn.__probe__  # type: ignore[attr-defined]
        if spec.id in out:
            raise ValueError(f"probe id {spec.id} registered twice")
        out[spec.id] = spec
    return out


__all__ = ["ProbeSpec", "probe", "register"]
