"""The one scrubber: credentials out of text (log tails, messages, env values) and terminal control sequences out
of cluster-supplied text. Applied by the sources as evidence is read, and by the renderers again.

Log tails are shown to help read a crash; a crashing app often prints its connection string. Patterns
follow common secret formats: key=value pairs named like secrets, Authorization headers, JWTs, Azure
storage/Service Bus connection strings and SAS signatures, PEM private keys, URLs with user:password@.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "<redacted>"

_PATTERNS = (
    # -----BEGIN ... PRIVATE KEY----- blocks
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"), MASK),
    # Authorization: Bearer xxx / Basic xxx
    (re.compile(r"(?i)\b(authorization\s*[:=]\s*(?:bearer|basic)\s+)[^\s\"',;]+"), r"\1" + MASK),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/-]{16,}=*"), r"\1" + MASK),
    # JSON Web Tokens
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), MASK),
    # Azure connection strings and SAS: AccountKey=..., SharedAccessKey=..., sig=...
    (
        re.compile(r"(?i)\b(AccountKey|SharedAccessKey|SharedAccessSignature|sig|Password|Pwd)=([^;&\s\"']+)"),
        r"\1=" + MASK,
    ),
    # scheme://user:password@host
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/\s@]+:)[^@\s/]+@"), r"\1" + MASK + "@"),
    # key: value / key=value / "key": "value" with a secret-sounding key
    (
        re.compile(
            r"(?i)([\"']?\b[\w.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|"
            r"credential)s?[\w.-]*[\"']?\s*[:=]\s*[\"']?)([^\s\"',;}]+)"
        ),
        r"\1" + MASK,
    ),
)


# Every pattern above needs one of these (case-folded as they are): a text with none is returned as it is, after
# one search instead of seven substitutions (a 10k-pod scan scrubs every event message and condition).
_ANY = re.compile(
    r"(?i)private key|authorization|bearer|eyj|accountkey|sharedaccess|sig=|pwd=|passw|secret|token|api[_-]?key"
    r"|access[_-]?key|credential|://"
)


def scrub(text: str) -> str:
    """The text with everything that looks like a credential replaced by <redacted>."""
    if not _ANY.search(text):
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# Terminal escape sequences (CSI "ESC [ ... final", OSC "ESC ] ... BEL|ESC \\" such as OSC 8 hyperlinks, other
# ESC-x pairs, and their 8-bit C1 forms), then every C0/C1 control character left but newline and tab.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\\\|\x9c|$)"
    r"|\x1b[@-Z\\-_]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, *, multiline: bool = True) -> str:
    """Text safe for a terminal: escape sequences removed, control characters dropped (newline and tab kept
    when multiline, else turned into spaces). Bidi overrides are dropped too (they reorder what is shown)."""
    if not isinstance(text, str):
        return text
    if text.isprintable() and (multiline or "\n" not in text):
        return text  # the common case: nothing to do
    text = _ESCAPES.sub("", text)
    if multiline:
        return _CONTROLS.sub("", text)
    return _CONTROLS_ONE_LINE.sub(lambda m: " " if m.group(0) in "\t\n\r" else "", text)


def clean_tree(obj: Any, *, secret: bool = True) -> Any:
    """A JSON-like value with every string cleaned (and scrubbed of credentials when `secret`)."""
    if isinstance(obj, str):
        text = clean(obj)
        return scrub(text) if secret else text
    if isinstance(obj, dict):
        return {clean(k) if isinstance(k, str) else k: clean_tree(v, secret=secret) for k, v in obj.items()}
    if isinstance(obj, list):
        return [clean_tree(v, secret=secret) for v in obj]
    return obj


__all__ = ["MASK", "clean", "clean_tree", "scrub"]
