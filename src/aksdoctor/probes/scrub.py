"""Scrub credentials out of text before it is shown (the implementation lives in sources.scrub, so that a
capture scrubs log tails before it writes them, too)."""

from __future__ import annotations

from ..sources.scrub import MASK, scrub

__all__ = ["MASK", "scrub"]
