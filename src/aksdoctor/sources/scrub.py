"""Scrub what looks like a credential out of text before it is shown (log tails, messages).

Log tails are shown to help read a crash; a crashing app often prints its connection string. Patterns
follow common secret formats: key=value pairs named like secrets, Authorization headers, JWTs, Azure
storage/Service Bus connection strings and SAS signatures, PEM private keys, URLs with user:password@.
"""

from __future__ import annotations

import re

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


def scrub(text: str) -> str:
    """The text with everything that looks like a credential replaced by <redacted>."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


__all__ = ["MASK", "scrub"]
