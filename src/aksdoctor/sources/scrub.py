"""The one scrubber lives in aksdoctor.scrub; sources (captures of log tails) import it here."""

from ..scrub import MASK, clean, clean_tree, scrub

__all__ = ["MASK", "clean", "clean_tree", "scrub"]
