"""``# noqa`` read on every line of a finding's call, in both adapters: a formatter may move the comment a user wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from flake8_run import flake8
from flake8_run import redundant_bias as command

# Each statement on one line, as a user writes it before a formatter runs; black and ruff split them all.
WRITTEN = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(in_channels=3, out_channels=64, kernel_size=3, padding=1, stride=1, dilation=1)  # noqa: RB101
        self.bn = nn.BatchNorm2d(64)
        self.body = nn.Sequential(nn.Conv2d(64, 128, kernel_size=3, padding=1), nn.BatchNorm2d(128), nn.ReLU())  # noqa: RB1
        self.head = nn.Sequential(nn.Conv2d(128, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(inplace=True))  # noqa
        self.tail = nn.Sequential(nn.Conv2d(128, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(inplace=True))  # noqa: E501

    def forward(self, x):
        return self.tail(self.head(self.body(self.bn(self.conv(x)))))
"""
TAIL = "RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (128 wasted parameters)"


def formatted(tool: list[str], text: str, folder: Path) -> list[str]:
    path = folder / "net.py"
    path.write_text(text)
    subprocess.run([sys.executable, "-m", *tool, str(path)], check=True, capture_output=True, timeout=120)
    return path.read_text().splitlines()


@pytest.mark.parametrize("tool", [["black", "-q"], ["ruff", "format", "-q"]], ids=["black", "ruff-format"])
def test_noqa_moved_by_a_formatter_still_silences(tool: list[str], tmp_path: Path) -> None:
    pytest.importorskip(tool[0])
    lines = formatted(tool, WRITTEN, tmp_path)
    convs = [number for number, line in enumerate(lines, 1) if "nn.Conv2d(" in line]
    assert len(convs) == 4 and not any("noqa" in lines[number - 1] for number in convs), "no comment was moved"
    # flake8 reads a noqa only where the finding starts: without the plugin's reading, all four come back.
    unread = flake8("--select", "RB", "--disable-noqa", "net.py", cwd=tmp_path).stdout.splitlines()
    assert [int(line.split(":")[1]) for line in unread] == convs
    # Read on the whole span, only the tail's noqa, which names another code, leaves its finding.
    assert flake8("--select", "RB", "net.py", cwd=tmp_path).stdout == f"net.py:{convs[-1]}:13: {TAIL}\n"
    result = command("check", "--no-cache", "--output-format", "json", "net.py", cwd=tmp_path)
    assert [(f["code"], f["location"]["row"]) for f in json.loads(result.stdout)] == [("RB101", convs[-1])]


PLACED = """\
import torch.nn as nn

a = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # noqa
b = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # NOQA:RB101
c = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # noqa: RB1
d = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # noqa: RB2
e = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # noqa: E501,RB101
f = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # noqa : RB201
g = nn.Sequential(
    nn.Conv2d(3, 8, 3),  # noqa: RB101
    nn.BatchNorm2d(8),
)
h = nn.Sequential(
    nn.Conv2d(
        3, 8, 3,
    ),  # noqa: RB101 on the line where the call ends
    nn.BatchNorm2d(8),
)
i = nn.Sequential(
    nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8),
    nn.Conv2d(8, 8, 3), nn.BatchNorm2d(8),  # noqa: RB101 silences this line's call, not the one above
)
j = nn.Sequential(
    nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8),
)  # noqa: RB101 where the statement ends
k = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))
l = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))
# noqa: RB101 on a line of its own silences nothing
"""


def test_noqa_on_any_line_of_the_call_or_where_its_statement_ends(tmp_path: Path) -> None:
    (tmp_path / "noqa.py").write_text(PLACED)
    result = command("check", "--no-cache", "--output-format", "json", "noqa.py", cwd=tmp_path)
    assert [finding["location"]["row"] for finding in json.loads(result.stdout)] == [6, 20, 26, 27]
    shown = flake8("--select", "RB", "noqa.py", cwd=tmp_path).stdout.splitlines()
    assert [int(line.split(":")[1]) for line in shown] == [6, 20, 26, 27]


def test_flake8_disable_noqa_turns_the_span_reading_off(tmp_path: Path) -> None:
    (tmp_path / "noqa.py").write_text(PLACED)
    shown = flake8("--select", "RB", "--disable-noqa", "noqa.py", cwd=tmp_path).stdout.splitlines()
    assert [int(line.split(":")[1]) for line in shown] == [3, 4, 5, 6, 7, 8, 10, 14, 20, 21, 24, 26, 27]


def test_file_level_noqa(tmp_path: Path) -> None:
    (tmp_path / "noqa.py").write_text("# flake8: noqa\n" + PLACED)
    assert command("check", "--no-cache", "noqa.py", cwd=tmp_path).stdout == "No findings in 1 file.\n"
