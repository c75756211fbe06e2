"""Odd files through the real flake8: line endings, BOM, tabs, encodings, sizes; and no execution."""

from __future__ import annotations

from pathlib import Path

import pytest
from flake8_run import flake8

MODEL = "import torch.nn as nn\n\nblock = nn.Sequential(\n\tnn.Conv2d(3, 8, 3),\n\tnn.BatchNorm2d(8),\n)\n"
EXPECTED = ":4:2: RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (8 wasted parameters)"

VARIANTS: dict[str, bytes] = {
    "crlf": MODEL.replace("\n", "\r\n").encode(),
    "cr": MODEL.replace("\n", "\r").encode(),
    "bom": b"\xef\xbb\xbf" + MODEL.encode(),
    "latin-1 cookie": ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + MODEL).encode("latin-1"),
    "cp1252 cookie, crlf": ("# coding: cp1252\r\n# \u201cquoted\u201d\r\n" + MODEL.replace("\n", "\r\n")).encode("cp1252"),
}
SHIFT = {"latin-1 cookie": 2, "cp1252 cookie, crlf": 2}


@pytest.mark.parametrize("variant", VARIANTS)
def test_encodings_and_line_endings(variant: str, tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_bytes(VARIANTS[variant])
    result = flake8("--select", "RB", str(path))
    assert result.stderr == ""
    line = 4 + SHIFT.get(variant, 0)
    assert result.stdout.strip() == f"{path}{EXPECTED.replace(':4:', f':{line}:')}"


@pytest.mark.parametrize(
    "source",
    [
        "import torch.nn as nn\nm = nn.Sequential(" + "nn.Conv2d(8, 8, 3), nn.ReLU(), " * 5000 + ")\n",
        "import torch\nx = " + "[" * 90 + "]" * 90 + "\n",
        "import torch\ns = '" + "x" * 2_000_000 + "'\n",
        "import torch\nd = {" + ", ".join(f"{i}: {i}" for i in range(50_000)) + "}\n",
        "import torch\n\x00garbage",
        "import torch\ndef f(:\n",
    ],
    ids=["10k-element Sequential", "deep nesting", "huge string", "huge dict", "NUL byte", "syntax error"],
)
def test_huge_deep_and_broken_files(source: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.py"
    path.write_text(source)
    result = flake8("--select", "RB,E999", str(path))
    assert "Traceback" not in result.stderr
    assert "RB" not in result.stdout


def test_checked_code_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    source = (
        "import pathlib\nimport torch\nimport torch.nn as nn\n"
        f"pathlib.Path({str(marker)!r}).write_text('ran')\n"
        "block = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))\n"
        "if __name__ == '__main__':\n"
        f"    pathlib.Path({str(marker)!r}).write_text('ran')\n"
    )
    path = tmp_path / "side_effects.py"
    path.write_text(source)
    result = flake8("--select", "RB", str(path))
    assert ":5:" in result.stdout and "RB101" in result.stdout
    result = flake8("--select", "RB", "-", stdin=source)
    assert "RB101" in result.stdout
    assert not marker.exists()
