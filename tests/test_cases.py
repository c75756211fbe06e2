"""The inline-expectation corpus: flake8 over tests/cases must report exactly the `# expect:` lines."""

from __future__ import annotations

import re

import pytest

from flake8_run import CASES, flake8

EXPECT = re.compile(r"#\s*expect:\s*(RB\d{3}(?:\s*,\s*RB\d{3})*)")
PRODUCER_CALL = re.compile(
    r"\b(?:nn\.|F\.|functional\.|torch\.)?(?:Lazy)?"
    r"(?:Conv(?:Transpose)?[123]d|Linear|Bilinear|conv(?:_transpose)?[123]d|linear)\("
    r"|\bC\(|\bconv(?:3x3|1x1|_any|_rebinds|_two_returns)\("
    r"|\b(?:Conv[123]D(?:Transpose)?|(?:Depthwise|Separable)Conv[12]D|Dense)\("  # Keras (and Flax's Dense)
    r"|\bnnx?\.Conv(?:Transpose)?\("  # Flax
)


def expected() -> set[tuple[str, int, str]]:
    found = set()
    for path in sorted(CASES.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                for code in re.split(r"\s*,\s*", match.group(1)):
                    found.add((path.name, number, code))
    return found


def reported() -> set[tuple[str, int, str]]:
    result = flake8("--select", "RB", str(CASES))
    assert result.returncode in (0, 1), result.stderr
    assert not result.stderr, result.stderr
    found = set()
    for line in result.stdout.splitlines():
        path, number, _col, message = line.split(":", 3)
        found.add((path.rpartition("/")[2], int(number), message.split()[0]))
    return found


def test_corpus_findings_are_exactly_the_expected_ones() -> None:
    want, got = expected(), reported()
    assert not want - got, f"missed: {sorted(want - got)}"
    assert not got - want, f"false alarms: {sorted(got - want)}"


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
    for path in CASES.glob("*.py"):
        for line in path.read_text().splitlines():
            if line.lstrip().startswith(("def ", "class ", "#")):
                continue
            sites = len(sites_pattern.findall(line))
            match = EXPECT.search(line)
            if match and match.group(1).startswith(family):
                positive += 1
                negative += max(sites - 1, 0)
            else:
                negative += sites
    assert positive >= 30
    assert negative >= positive, (negative, positive)
