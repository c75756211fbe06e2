"""The inline-expectation corpus: flake8 over tests/cases must report exactly the `# expect:` lines, file by file.

An expectation names the code, the column flake8 shows, and how the message
starts (the part before its advice): ``# expect: RB101:22 "Conv2d bias is
cancelled by the BatchNorm2d that follows"``; several on one line are
separated by commas.  A line without one must get no finding.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from flake8_run import CASES, case_files, flake8

EXPECT = re.compile(r"#\s*expect:\s*(.*)$")
ITEM = re.compile(r'(RB\d{3}):(\d+) "([^"]*)"')
FILES = [path.name for path in case_files()]


def expectations(path: Path) -> list[tuple[int, str, int, str]]:
    """(line, code, column, how the message starts) for each expectation of a case file."""
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = EXPECT.search(line)
        if match:
            items = ITEM.findall(match.group(1))
            assert items, f"{path.name}:{number}: an expectation is CODE:COLUMN \"message\": {match.group(1)!r}"
            found += [(number, code, int(column), start) for code, column, start in items]
    return found


@pytest.fixture(scope="module")
def reported() -> dict[str, list[tuple[int, str, int, str]]]:
    """Every finding flake8 reports on the case files, by file: (line, code, column, message)."""
    result = flake8("--select", "RB", str(CASES))
    assert result.returncode in (0, 1), result.stderr
    assert not result.stderr, result.stderr
    found: dict[str, list[tuple[int, str, int, str]]] = {}
    for line in result.stdout.splitlines():
        path, number, column, message = line.split(":", 3)
        code, _, text = message.strip().partition(" ")
        found.setdefault(Path(path).name, []).append((int(number), code, int(column), text))
    return found


@pytest.mark.parametrize("name", FILES)
def test_case_file_findings_are_exactly_the_expected_ones(name: str, reported: dict) -> None:
    want = expectations(CASES / name)
    got = reported.get(name, [])
    assert Counter(w[:3] for w in want) == Counter(g[:3] for g in got), (
        f"missed: {sorted(Counter(w[:3] for w in want) - Counter(g[:3] for g in got))}, "
        f"false alarms: {sorted(Counter(g[:3] for g in got) - Counter(w[:3] for w in want))}"
    )
    messages = {(line, code, column): [] for line, code, column, _ in got}
    for line, code, column, text in got:
        messages[(line, code, column)].append(text)
    for line, code, column, start in want:
        assert any(text.startswith(start) for text in messages[(line, code, column)]), (
            f"{name}:{line}: {code} does not start with {start!r}: {messages[(line, code, column)]}"
        )


def test_the_corpus_expects_every_code() -> None:
    from flake8_redundant_bias.rules import CODES

    codes = {code for name in FILES for _, code, _, _ in expectations(CASES / name)}
    assert codes == set(CODES)


PRODUCER_CALL = re.compile(
    r"\b(?:nn\.|F\.|functional\.|torch\.)?(?:Lazy)?"
    r"(?:Conv(?:Transpose)?[123]d|Linear|Bilinear|conv(?:_transpose)?[123]d|linear)\("
    r"|\bC\(|\bconv(?:3x3|1x1|_any|_rebinds|_two_returns)\("
    r"|\b(?:Conv[123]D(?:Transpose)?|(?:Depthwise|Separable)Conv[12]D|Dense)\("  # Keras (and Flax's Dense)
    r"|\bnnx?\.Conv(?:Transpose)?\("  # Flax
)
# Sites where the weight-decay rules could fire: an optimizer built, a parameter
# group, a sum or a loop over parameters.
DECAY_SITE = re.compile(
    r"\b(?:\w*Adam\w*|\w*SGD|Lion\w*|\w*LAMB|Lamb|NAdamW|Muon|LBFGS|optimizer_cls|optimizer_class)\("
    r"|\boptax\.(?!chain|masked|multi_transform|inject_hyperparams|clip)\w+\(|\bcompile\(|_regularizer="
    r"|\{\"params\"|\bsum\(|^\s*for \w+(?:, \w+)? in "
)
FAMILIES = {"RB1": PRODUCER_CALL, "RB2": DECAY_SITE}


@pytest.mark.parametrize("family", FAMILIES)
def test_corpus_has_at_least_as_many_negative_sites_as_positive(family: str) -> None:
    sites_pattern = FAMILIES[family]
    positive = negative = 0
    for name in FILES:
        for line in (CASES / name).read_text().splitlines():
            if line.lstrip().startswith(("def ", "class ", "#")):
                continue
            code = line.partition("#")[0]
            sites = len(sites_pattern.findall(code))
            match = EXPECT.search(line)
            expected = [item for item in ITEM.findall(match.group(1)) if item[0].startswith(family)] if match else []
            positive += len(expected)
            negative += max(sites - len(expected), 0)
    assert positive >= 30
    assert negative >= positive, (negative, positive)
