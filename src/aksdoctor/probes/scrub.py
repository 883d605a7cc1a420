"""The one scrubber lives in aksdoctor.scrub (sources, probes and renderers share it); probes import it here."""

from ..scrub import MASK, clean, clean_tree, scrub

__all__ = ["MASK", "clean", "clean_tree", "scrub"]
