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
