"""The ftfy-style case file tests/data/cases.txt: spun documents written by hand, with their originals."""

from __future__ import annotations

from pathlib import Path

import pytest

import restore

CASES = Path(__file__).resolve().parent / "data" / "cases.txt"


def read_cases(path: Path = CASES) -> list[tuple[str, str, bool]]:
    """(spun, original, expected to fail) for each block of the file; comment lines are skipped."""
    cases = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            key, _, value = line.partition(": ")
            fields[key] = value
        if fields:
            cases.append((fields["spun"], fields["original"], fields.get("expect") == "fail"))
    return cases


def test_the_case_file_is_well_formed():
    cases = read_cases()
    assert len(cases) >= 15
    assert any(not fail for _, _, fail in cases) and any(fail for _, _, fail in cases)
    assert all(spun != original for spun, original, _ in cases)


def _params():
    # strict: a known limit that starts passing fails the suite until its mark is removed
    limit = pytest.mark.xfail(strict=True, reason="a known limit (see the case's comment)")
    return [pytest.param(spun, original, marks=limit if fails else (), id=spun[:40])
            for spun, original, fails in read_cases()]


@pytest.mark.parametrize("spun,original", _params())
def test_case(spun, original):
    assert restore.restore_text(spun).text == original
