"""Kubernetes resource quantities: CPU in cores, memory in bytes, parsed once for every runbook.

Grammar: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/ —
<number><suffix>, suffix a binary SI (Ki Mi Gi Ti Pi Ei), a decimal SI (n u m "" k M G T P E) or a
decimal exponent (e3, E-2). metrics.k8s.io reports CPU in nanocores ("123456789n") and memory in Ki.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE]?)$")


class InvalidQuantity(ValueError):
    """Not a Kubernetes quantity."""


def parse_quantity(text: str | int | float) -> Decimal:
    """A quantity as a Decimal in base units (cores for CPU, bytes for memory)."""
    if isinstance(text, (int, float)):
        return Decimal(str(text))
    match = _QUANTITY.match(str(text).strip())
    if not match:
        raise InvalidQuantity(f"not a Kubernetes quantity: {text!r}")
    number, suffix = match.groups()
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise InvalidQuantity(f"not a Kubernetes quantity: {text!r}") from None
    if suffix in _BINARY:
        return value * _BINARY[suffix]
    if suffix[:1] in ("e", "E") and len(suffix) > 1:
        exponent = int(suffix[1:])
        if abs(exponent) > 30:
            raise InvalidQuantity(f"exponent out of range: {text!r}")
        return value * (Decimal(10) ** exponent)
    return value * _DECIMAL[suffix]


def cpu_millicores(text: str | int | float) -> float:
    """CPU in millicores: "250m" -> 250, "1.5" -> 1500, "123456789n" -> 123.456789."""
    return float(parse_quantity(text) * 1000)


def memory_bytes(text: str | int | float) -> int:
    """Memory in bytes: "512Mi" -> 536870912, "1G" -> 1000000000."""
    return int(parse_quantity(text))


def format_cpu(millicores: float) -> str:
    """Millicores as people write them: 250m, 2 (cores), 1.5."""
    if millicores >= 1000 and millicores % 1000 == 0:
        return str(int(millicores // 1000))
    if millicores >= 1000:
        return f"{millicores / 1000:.2f}".rstrip("0").rstrip(".")
    return f"{round(millicores)}m"


def format_memory(size: float) -> str:
    """Bytes in the largest binary unit that keeps one decimal: 1.5Gi, 512Mi."""
    for unit, factor in (("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if size >= factor:
            text = f"{size / factor:.1f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return f"{int(size)}"


__all__ = ["InvalidQuantity", "cpu_millicores", "format_cpu", "format_memory", "memory_bytes", "parse_quantity"]
