"""Credentials in log tails are scrubbed; ordinary log lines are left alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aksdoctor.probes.scrub import MASK, scrub

SECRET = "s3cr3t-Value_42"


@pytest.mark.parametrize(
    "line",
    [
        f"connecting with password={SECRET}",
        f'{{"db_password": "{SECRET}", "host": "db"}}',
        f"DB_PASSWORD: {SECRET}",
        f"Authorization: Bearer {SECRET}abcdefghijkl",
        f"DefaultEndpointsProtocol=https;AccountName=st;AccountKey={SECRET};EndpointSuffix=core.windows.net",
        f"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey={SECRET}",
        f"https://st.blob.core.windows.net/c?sv=2022&sig={SECRET}",
        f"postgres://app:{SECRET}@db.internal:5432/shop",
        f"client_secret={SECRET}",
        f"api-key: {SECRET}",
        f"-----BEGIN RSA PRIVATE KEY-----\nMIIE{SECRET}\n-----END RSA PRIVATE KEY-----",
    ],
)
def test_credentials_are_scrubbed(line):
    out = scrub(line)
    assert SECRET not in out and MASK in out


def test_jwt_is_scrubbed():
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    assert jwt not in scrub(f"token from file: {jwt}")


@pytest.mark.parametrize(
    "line",
    [
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "Error: connect ECONNREFUSED 10.0.0.12:5432",
        "java.lang.OutOfMemoryError: Java heap space",
        "listening on :8080",
    ],
)
def test_ordinary_lines_are_untouched(line):
    assert scrub(line) == line


@given(st.text(max_size=500))
def test_scrub_never_fails(text):
    assert isinstance(scrub(text), str)


def _every_pattern(text: str) -> str:
    """The scrubber without its quick check: every substitution, always."""
    from aksdoctor import scrub as module

    for pattern, replacement in module._PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# Fragments of every pattern (and their case variants), mixed with ordinary text: the quick check that skips the
# substitutions for a text none of them can match must never skip one that some pattern does.
_PIECES = st.sampled_from(
    [
        "password", "PASSWD", "Pwd=", "pwd", "sig=", "SIG", "secret", "client-secret", "token", "api_key", "ApiKey",
        "access-key", "AccessKey=", "credentials", "AccountKey=", "SharedAccessSignature=", "Authorization: ",
        "bearer ", "Bearer ", "eyJ", "eyJhbGciOiJIUzI1", ".", "-----BEGIN ", "PRIVATE KEY-----", "-----END ",
        "://", "postgres", "user:", "@", "=", ":", " ", "\n", ";", '"', "'", "abcdefgh12345678", "\u017f", "\u212a",
        "value", "x",
    ]
)  # fmt: skip


@given(st.lists(_PIECES | st.text(max_size=4), max_size=14).map("".join))
def test_the_quick_check_never_skips_a_text_a_pattern_would_change(text):
    assert scrub(text) == _every_pattern(text)


_NAMED = ["password", "passwd", "secret", "token", "api_key", "api-key", "apikey", "access_key", "accesskey",
          "client_secret", "credential", "credentials", "DB_PASSWORD", "x-auth-token"]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [f"{k}{sep}{SECRET}" for k in _NAMED for sep in ("=", ": ", '": "')]
    + [f"{k}={SECRET}" for k in ("AccountKey", "SharedAccessKey", "SharedAccessSignature", "sig", "Pwd")],
)
def test_every_secret_keyword_passes_the_quick_check(text):
    assert scrub(text) == _every_pattern(text) != text


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {SECRET}abcdefghijkl",
        f"bearer {SECRET}abcdefghijkl",
        "Authorization: Basic dXNlcjpwYXNzd29yZA",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl",
        f"-----BEGIN PRIVATE KEY-----\n{SECRET}",
        f"amqp://guest:{SECRET}@rabbit:5672",
    ],
)
def test_every_token_shape_passes_the_quick_check(text):
    assert scrub(text) == _every_pattern(text) != text


def test_a_text_no_pattern_can_match_is_returned_as_it_is():
    text = 'Successfully pulled image "contoso.azurecr.io/web:1.4.2" in 1.2s (1.2s including waiting)'
    assert scrub(text) is text
