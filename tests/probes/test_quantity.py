"""Quantities in every Kubernetes unit."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aksdoctor.probes.quantity import InvalidQuantity, cpu_millicores, format_cpu, format_memory, memory_bytes


@pytest.mark.parametrize(
    ("text", "millicores"),
    [
        ("250m", 250),
        ("1.5", 1500),
        ("2", 2000),
        ("2e3", 2_000_000),
        ("123456789n", 123.456789),
        ("500u", 0.5),
        ("0.1", 100),
        (".5", 500),
        ("1k", 1_000_000),
        (3, 3000),
    ],
)
def test_cpu(text, millicores):
    assert cpu_millicores(text) == pytest.approx(millicores)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("512Mi", 536_870_912),
        ("1G", 1_000_000_000),
        ("1Gi", 1_073_741_824),
        ("12880516Ki", 13_189_648_384),
        ("1.5Gi", 1_610_612_736),
        ("128974848", 128_974_848),
        ("129e6", 129_000_000),
        ("1E", 10**18),
    ],
)
def test_memory(text, size):
    assert memory_bytes(text) == size


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "5 Mi", "Mi", "1iB", "1e999"])
def test_invalid(text):
    with pytest.raises(InvalidQuantity):
        cpu_millicores(text)


def test_format():
    assert format_cpu(250) == "250m" and format_cpu(2000) == "2" and format_cpu(1500) == "1.5"
    assert format_memory(536_870_912) == "512Mi" and format_memory(1_610_612_736) == "1.5Gi"


@given(st.text(max_size=40))
def test_parser_never_fails_with_anything_but_invalid_quantity(text):
    with contextlib.suppress(InvalidQuantity):
        cpu_millicores(text)
