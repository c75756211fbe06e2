"""Values and layers that come from another module of the linted file's project, through a real flake8."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

from flake8_run import flake8, redundant_bias
from mm_configs import CONFIGS, expected_findings, write_configs

from flake8_redundant_bias.model import project
from flake8_redundant_bias.engine import analyse_source

CONV = "RB101 Conv2d{built} bias is cancelled by the BatchNorm2d that follows: {advice}({cost})"
PASS = "pass bias=False "
SGD = (
    "RB201 SGD applies weight_decay={decay} to the biases and normalization weights of model: "
    "put them in a parameter group with weight_decay=0.0"
)

PACKAGE = {
    "pyproject.toml": "",
    "pkg/__init__.py": "from .defaults import REEXPORTED_DECAY\n",
    "pkg/defaults.py": "REEXPORTED_DECAY = 0.02\n",
    "pkg/config.py": """\
        from dataclasses import dataclass

        WEIGHT_DECAY = 0.05
        NO_DECAY = 0.0


        @dataclass
        class TrainConfig:
            weight_decay: float = 0.01
            conv_bias: bool = True
            lean_bias: bool = False
        """,
    "pkg/layers.py": """\
        import torch.nn as nn


        def conv3x3(cin, cout, bias=True):
            return nn.Conv2d(cin, cout, 3, padding=1, bias=bias)


        def lean_conv(cin, cout):
            return nn.Conv2d(cin, cout, 3, padding=1, bias=False)


        class PadConv(nn.Module):
            def __init__(self, cin, cout, bias=True):
                super().__init__()
                self.conv = nn.Conv2d(cin, cout, 3, bias=bias)

            def forward(self, x):
                return self.conv(x)
        """,
    "pkg/model.py": """\
        import torch
        import torch.nn as nn

        from pkg import layers, REEXPORTED_DECAY
        from . import config
        from .config import NO_DECAY, WEIGHT_DECAY, TrainConfig
        from .layers import PadConv, conv3x3, lean_conv


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Sequential(conv3x3(3, 8), nn.BatchNorm2d(8))
                self.b = nn.Sequential(PadConv(8, 8), nn.BatchNorm2d(8))
                self.c = nn.Sequential(layers.conv3x3(8, 8), nn.BatchNorm2d(8))
                self.d = nn.Sequential(nn.Conv2d(8, 8, 1, bias=TrainConfig.conv_bias), nn.BatchNorm2d(8))
                self.e = nn.Sequential(conv3x3(8, 8, bias=False), nn.BatchNorm2d(8))
                self.f = nn.Sequential(lean_conv(8, 8), nn.BatchNorm2d(8))
                self.g = nn.Sequential(nn.Conv2d(8, 8, 1, bias=TrainConfig.lean_bias), nn.BatchNorm2d(8))


        model = Net()
        cfg = TrainConfig()
        quiet = TrainConfig(weight_decay=0.0)
        opt1 = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=WEIGHT_DECAY)
        opt2 = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=cfg.weight_decay)
        opt3 = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=config.WEIGHT_DECAY)
        opt4 = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=REEXPORTED_DECAY)
        opt5 = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=NO_DECAY)
        opt6 = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=quiet.weight_decay)
        """,
}

PACKAGE_FINDINGS = [
    "13:32: " + CONV.format(
        built=" (built by conv3x3() in pkg/layers.py)", advice="pass bias=False to conv3x3() ", cost="8 wasted parameters",
    ),
    "14:32: " + CONV.format(
        built=" (built by PadConv() in pkg/layers.py)", advice="pass bias=False to PadConv() ", cost="8 wasted parameters",
    ),
    "15:32: " + CONV.format(
        built=" (built by conv3x3() in pkg/layers.py)", advice="pass bias=False to conv3x3() ", cost="8 wasted parameters",
    ),
    "16:32: " + CONV.format(
        built="", advice=PASS, cost="8 wasted parameters; bias=True is the default of TrainConfig.conv_bias in pkg/config.py",
    ),
    "25:8: " + SGD.format(decay="0.05 (WEIGHT_DECAY in pkg/config.py)"),
    "26:8: " + SGD.format(decay="0.01 (the default of TrainConfig.weight_decay in pkg/config.py)"),
    "27:8: " + SGD.format(decay="0.05 (WEIGHT_DECAY in pkg/config.py)"),
    "28:8: " + SGD.format(decay="0.02 (REEXPORTED_DECAY in pkg/defaults.py)"),
]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def findings(result, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    assert not result.stderr, result.stderr
    return [line[len(prefix):] for line in result.stdout.splitlines() if line.startswith(prefix)]


def model_findings(root: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """``pkg/model.py``'s findings, linted as a path and from stdin with that display name (the other modules
    are read from disk beside it)."""
    write(root, files)
    model = root / "pkg" / "model.py"
    by_path = flake8("--select", "RB", str(model))
    source = textwrap.dedent(files["pkg/model.py"])
    by_stdin = flake8("--select", "RB", "--stdin-display-name", str(model), "-", stdin=source)
    return findings(by_path, f"{model}:"), findings(by_stdin, f"{model}:")


def test_package_with_config_layers_and_model(tmp_path: Path) -> None:
    write(tmp_path, PACKAGE)
    model = tmp_path / "pkg" / "model.py"
    result = flake8("--select", "RB", str(model))
    assert findings(result, f"{model}:") == PACKAGE_FINDINGS
    assert result.returncode == 1


def test_same_findings_with_jobs_over_the_folder(tmp_path: Path) -> None:
    write(tmp_path, PACKAGE)
    write(tmp_path, {f"pkg/copy{n}.py": PACKAGE["pkg/model.py"] for n in range(3)})
    result = flake8("--select", "RB", "--jobs", "2", str(tmp_path))
    for name in ("model", "copy0", "copy1", "copy2"):
        assert findings(result, f"{tmp_path / 'pkg' / name}.py:") == PACKAGE_FINDINGS


def test_stdin_reads_the_other_modules_beside_the_display_name(tmp_path: Path) -> None:
    write(tmp_path, PACKAGE)
    model = tmp_path / "pkg" / "model.py"
    model.write_text("# the saved file is older than the editor's buffer\n")
    result = flake8("--select", "RB", "--stdin-display-name", str(model), "-", stdin=textwrap.dedent(PACKAGE["pkg/model.py"]))
    assert findings(result, f"{model}:") == PACKAGE_FINDINGS


def test_stdin_without_a_path_in_a_project_follows_nothing(tmp_path: Path) -> None:
    write(tmp_path, PACKAGE)
    source = textwrap.dedent(PACKAGE["pkg/model.py"])
    for display in ("stdin", str(tmp_path / "no" / "such" / "folder" / "model.py")):
        result = flake8("--select", "RB", "--stdin-display-name", display, "-", stdin=source)
        assert result.stdout == "" and result.stderr == ""


def test_option_turns_it_off_and_rejects_a_bad_value(tmp_path: Path) -> None:
    write(tmp_path, PACKAGE)
    model = tmp_path / "pkg" / "model.py"
    off = flake8("--select", "RB", "--redundant-bias-follow-imports=false", str(model))
    assert off.stdout == "" and off.returncode == 0
    bad = flake8("--select", "RB", "--redundant-bias-follow-imports=maybe", str(model))
    assert bad.stderr.strip().splitlines()[-1] == (
        "flake8-redundant-bias: --redundant-bias-follow-imports: 'maybe' is not true or false"
    )
    assert bad.returncode not in (0, 1) or bad.stdout == ""


SCRIPT = {
    ".git/HEAD": "ref: refs/heads/main\n",
    "utils/__init__.py": "",
    "utils/args.py": """\
        import argparse


        def get_args():
            parser = argparse.ArgumentParser()
            parser.add_argument("--lr", type=float, default=0.1)
            parser.add_argument("--weight-decay", type=float, default=5e-4)
            return parser.parse_args()
        """,
    "utils/model.py": """\
        import torch.nn as nn


        class Lean(nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = nn.Linear(8, 8, bias=False)


        class Full(nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = nn.Linear(8, 8)
                self.norm = nn.LayerNorm(8)
        """,
    "train.py": """\
        import torch

        from utils.args import get_args
        from utils.model import Full, Lean

        args = get_args()
        full = Full()
        lean = Lean()
        a = torch.optim.SGD(full.parameters(), lr=args.lr, weight_decay=args.weight_decay)
        b = torch.optim.SGD(lean.parameters(), lr=args.lr, weight_decay=args.weight_decay)
        """,
}


def test_training_script_beside_a_utils_package(tmp_path: Path) -> None:
    write(tmp_path, SCRIPT)
    train = tmp_path / "train.py"
    result = flake8("--select", "RB", str(train))
    assert findings(result, f"{train}:") == [
        "9:5: RB201 SGD applies weight_decay=0.0005 (the default of --weight-decay in utils/args.py) to the biases "
        "and normalization weights of full: put them in a parameter group with weight_decay=0.0",
    ]


SCRIPT_FOLDER = {
    ".git/HEAD": "ref: refs/heads/main\n",
    "layers.py": """\
        import torch.nn as nn


        class ConvNorm(nn.Module):
            def __init__(self, cin, cout, bias=False):
                super().__init__()
                self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=bias)
                self.bn = nn.BatchNorm2d(cout)

            def forward(self, x):
                return self.bn(self.conv(x))
        """,
    "train.py": """\
        import torch.nn as nn

        import layers
        from layers import ConvNorm

        model = nn.Sequential(
            ConvNorm(3, 8, bias=True),
            layers.ConvNorm(8, 8, bias=True),
            ConvNorm(8, 8),
            nn.Linear(8, 8, bias=True),
        )
        """,
}


def test_a_block_of_the_script_folder_switched_on_in_a_file_that_names_no_norm(tmp_path: Path) -> None:
    # ``from layers import ConvNorm`` as Python runs a script: layers.py beside it.  The file names no norm; its
    # calls switching the block's bias on are what makes it worth reading (round 19's "imports written for a
    # script's folder"), as a path and from stdin.
    write(tmp_path, SCRIPT_FOLDER)
    train = tmp_path / "train.py"
    message = (
        "RB101 Conv2d (inside ConvNorm() in layers.py) bias is cancelled by the BatchNorm2d that follows: "
        "pass bias=False to ConvNorm() (8 wasted parameters)"
    )
    by_path = findings(flake8("--select", "RB", str(train)), f"{train}:")
    source = textwrap.dedent(SCRIPT_FOLDER["train.py"])
    by_stdin = findings(flake8("--select", "RB", "--stdin-display-name", str(train), "-", stdin=source), f"{train}:")
    assert by_path == by_stdin == [f"7:5: {message}", f"8:5: {message}"]


def test_a_script_folder_with_no_project_marker_reads_its_neighbours(tmp_path: Path) -> None:
    # An unpacked archive or a folder of scripts has no .git, pyproject.toml or setup.py: Python still finds
    # layers.py beside the script it runs (tacotron2's `from layers import ConvNorm`).
    files = {name: text for name, text in SCRIPT_FOLDER.items() if not name.startswith(".git")}
    write(tmp_path / "scripts", files)
    train = tmp_path / "scripts" / "train.py"
    message = (
        "RB101 Conv2d (inside ConvNorm() in layers.py) bias is cancelled by the BatchNorm2d that follows: "
        "pass bias=False to ConvNorm() (8 wasted parameters)"
    )
    assert findings(flake8("--select", "RB", str(train)), f"{train}:") == [f"7:5: {message}", f"8:5: {message}"]


def test_a_script_reads_no_folder_but_its_own_without_a_project_marker(tmp_path: Path) -> None:
    # Without a marker, only the script's own folder is Python's: a module in the folder above is not read.
    files = {name: text for name, text in SCRIPT_FOLDER.items() if not name.startswith(".git")}
    write(tmp_path, {"layers.py": files["layers.py"]})
    write(tmp_path / "scripts", {"train.py": files["train.py"]})
    assert flake8("--select", "RB", str(tmp_path / "scripts" / "train.py")).stdout == ""


def test_absolute_imports_stop_at_the_project_root(tmp_path: Path) -> None:
    # The package lies above the nearest project marker: it is not this project's code.
    write(tmp_path, {"utils/__init__.py": "", "utils/args.py": SCRIPT["utils/args.py"]})
    write(tmp_path / "app", {"setup.py": "", "train.py": SCRIPT["train.py"]})
    train = tmp_path / "app" / "train.py"
    assert flake8("--select", "RB", str(train)).stdout == ""


IMPORTER = """\
    import torch
    import torch.nn as nn

    from .{module} import WEIGHT_DECAY

    model = nn.Linear(8, 8)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=WEIGHT_DECAY)
    """


def test_a_cycle_of_imports_is_unknown(tmp_path: Path) -> None:
    write(tmp_path, {
        "setup.cfg": "",
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import WEIGHT_DECAY\n",
        "pkg/b.py": "from .a import WEIGHT_DECAY\n",
        "pkg/train.py": IMPORTER.format(module="a"),
    })
    result = flake8("--select", "RB", str(tmp_path))
    assert result.stdout == "" and result.stderr == ""


def test_a_module_that_does_not_parse_is_unknown(tmp_path: Path) -> None:
    write(tmp_path, {
        "setup.cfg": "",
        "pkg/__init__.py": "",
        "pkg/broken.py": "WEIGHT_DECAY = 0.05\ndef oops(:\n",
        "pkg/missing_user.py": IMPORTER.format(module="nowhere"),
        "pkg/train.py": IMPORTER.format(module="broken"),
    })
    result = flake8("--select", "RB", str(tmp_path / "pkg" / "train.py"), str(tmp_path / "pkg" / "missing_user.py"))
    assert result.stdout == "" and result.stderr == ""


def test_each_module_is_read_once_until_it_changes_and_its_tree_kept_for_one_linted_file(tmp_path: Path) -> None:
    # A tree kept between linted files is traversed by each of flake8's full collections: it is parsed again for
    # the next file that asks, from the text read once.
    write(tmp_path, {"setup.cfg": "", "pkg/__init__.py": "", "pkg/decay.py": "WEIGHT_DECAY = 0.05\n"})
    importer = str(tmp_path / "pkg" / "train.py")
    source = textwrap.dedent(IMPORTER.format(module="decay"))
    before = dict(project.STATS)
    assert len(analyse_source(source, filename=importer)) == 1
    assert len(analyse_source(source, filename=importer)) == 1
    assert project.STATS["read"] - before["read"] == 1
    assert project.STATS["parsed"] - before["parsed"] == 2
    assert project.STATS["cached"] - before["cached"] >= 1
    decay = tmp_path / "pkg" / "decay.py"
    decay.write_text("WEIGHT_DECAY = 0.0\n")
    os.utime(decay, ns=(0, 10**18))  # a new modification time, whatever the clock's resolution
    assert analyse_source(source, filename=importer) == []
    assert project.STATS["read"] - before["read"] == 2


def test_a_module_created_later_is_found_by_the_same_process(tmp_path: Path) -> None:
    # An editor's lint server lives long: a module saved after a first lint must be read on the next.
    write(tmp_path, {"setup.cfg": "", "pkg/__init__.py": ""})
    importer = str(tmp_path / "pkg" / "train.py")
    source = textwrap.dedent(IMPORTER.format(module="later"))
    assert analyse_source(source, filename=importer) == []
    (tmp_path / "pkg" / "later.py").write_text("WEIGHT_DECAY = 0.05\n")
    os.utime(tmp_path / "pkg", ns=(0, 10**18))  # the folder changed, whatever the clock's resolution
    assert [f.text for f in analyse_source(source, filename=importer)] == [
        "RB201 SGD applies weight_decay=0.05 (WEIGHT_DECAY in pkg/later.py) to the biases and normalization "
        "weights of model: put them in a parameter group with weight_decay=0.0"
    ]


def test_a_module_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # stylegan2-ada-pytorch starts every file with one.
    write(tmp_path, {"setup.cfg": "", "pkg/__init__.py": ""})
    (tmp_path / "pkg" / "bom.py").write_bytes("\ufeffWEIGHT_DECAY = 0.05\n".encode("utf-8"))
    train = tmp_path / "pkg" / "train.py"
    train.write_text(textwrap.dedent(IMPORTER.format(module="bom")))
    assert findings(flake8("--select", "RB", str(train)), f"{train}:") == [
        "7:7: " + SGD.format(decay="0.05 (WEIGHT_DECAY in pkg/bom.py)"),
    ]


def test_form_feeds_in_another_module_do_not_shift_its_lines(tmp_path: Path) -> None:
    # A page break (a form feed on its own line) is old style, still in the wild; the parser counts it
    # as a space, str.splitlines as a line end: read so, the helper's lines were some other code's.
    layers = (
        "import torch.nn as nn\n\n\f\ndef first(c):\n    return c\n\n\n"
        "def conv3x3(\n    c,\n):\n    return nn.Conv2d(c, c, 3, padding=1)\n\n\ndef last(c):\n    return c\n"
    )
    write(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/layers.py": layers})
    model = tmp_path / "pkg" / "model.py"
    model.write_text(
        "import torch.nn as nn\n\nfrom .layers import conv3x3\n\nblock = nn.Sequential(conv3x3(8), nn.BatchNorm2d(8))\n"
    )
    assert findings(flake8("--select", "RB", str(model)), f"{model}:") == [
        "5:23: " + CONV.format(
            built=" (built by conv3x3() in pkg/layers.py)",
            advice="give conv3x3() a bias parameter and pass bias=False here ", cost="8 wasted parameters",
        ),
    ]


def test_a_setup_module_inside_a_package_is_not_the_project_root(tmp_path: Path) -> None:
    # dinov2 has dinov2/eval/setup.py: its siblings' absolute imports reach up to the real root.
    write(tmp_path, {
        "pyproject.toml": "",
        "lib/__init__.py": "",
        "lib/defaults.py": "WEIGHT_DECAY = 0.05\n",
        "lib/eval/__init__.py": "",
        "lib/eval/setup.py": "def setup():\n    pass\n",
        "lib/eval/train.py": IMPORTER.format(module="x").replace("from .x import", "from lib.defaults import"),
    })
    train = tmp_path / "lib" / "eval" / "train.py"
    assert findings(flake8("--select", "RB", str(train)), f"{train}:") == [
        "7:7: " + SGD.format(decay="0.05 (WEIGHT_DECAY in lib/defaults.py)"),
    ]


def test_an_option_is_named_as_the_parser_spells_it(tmp_path: Path) -> None:
    args = SCRIPT["utils/args.py"].replace("--weight-decay", "--weight_decay")
    write(tmp_path, {**SCRIPT, "utils/args.py": args})
    train = tmp_path / "train.py"
    assert "(the default of --weight_decay in utils/args.py)" in flake8("--select", "RB", str(train)).stdout


BLOCKS = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/blocks.py": """\
        import torch.nn as nn


        class ConvBN(nn.Module):
            def __init__(self, cin, cout, bias=False, norm_layer=nn.BatchNorm2d):
                super().__init__()
                self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=bias)
                self.norm = norm_layer(cout)

            def forward(self, x):
                return self.norm(self.conv(x))
        """,
    "pkg/norms.py": """\
        import torch.nn as nn


        def make_norm(c):
            return nn.BatchNorm2d(c)
        """,
    "pkg/net.py": """\
        import torch.nn as nn

        from . import blocks
        from .blocks import ConvBN
        from .norms import make_norm


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.stem = ConvBN(3, 8, bias=True)
                self.body = blocks.ConvBN(8, 8, bias=True, norm_layer=nn.InstanceNorm2d)
                self.lean = ConvBN(8, 8)
                self.layer = blocks.ConvBN(8, 8, bias=True, norm_layer=nn.LayerNorm)
                self.tail = nn.Sequential(nn.Conv2d(8, 8, 3), make_norm(8))
        """,
}
BLOCK = "RB101 Conv2d (inside ConvBN() in pkg/blocks.py) bias is cancelled by the {norm} that follows: " \
    "pass bias=False to ConvBN() (8 wasted parameters)"
BLOCK_FINDINGS = [
    "11:21: " + BLOCK.format(norm="BatchNorm2d"),
    "12:21: " + BLOCK.format(norm="InstanceNorm2d"),
    "15:35: " + CONV.format(built="", advice=PASS, cost="8 wasted parameters"),
]


def test_a_block_of_another_module_is_reported_at_the_call_that_switches_its_bias_on(tmp_path: Path) -> None:
    write(tmp_path, BLOCKS)
    net = tmp_path / "pkg" / "net.py"
    assert findings(flake8("--select", "RB", str(net)), f"{net}:") == BLOCK_FINDINGS
    buffer = textwrap.dedent(BLOCKS["pkg/net.py"])
    net.write_text("# the saved file is older than the editor's buffer\n")
    piped = flake8("--select", "RB", "--stdin-display-name", str(net), "-", stdin=buffer)
    assert findings(piped, f"{net}:") == BLOCK_FINDINGS
    # The block's module says nothing alone: no call of it there switches the bias on.
    assert flake8("--select", "RB", str(tmp_path / "pkg" / "blocks.py")).stdout == ""


# An installed package (no project marker above it) naming its own modules by their absolute names.
INSTALLED = {
    "site/tvlike/__init__.py": "",
    "site/tvlike/ops/__init__.py": "from .layers import conv3x3\n",
    "site/tvlike/ops/layers.py": PACKAGE["pkg/layers.py"],
    "site/tvlike/models/__init__.py": "",
    "site/tvlike/models/net.py": """\
        import torch.nn as nn

        from tvlike.ops import conv3x3
        from tvlike.ops.layers import lean_conv
        from neighbour.layers import conv3x3 as other_conv


        stem = nn.Sequential(conv3x3(3, 8), nn.BatchNorm2d(8))
        lean = nn.Sequential(lean_conv(3, 8), nn.BatchNorm2d(8))
        other = nn.Sequential(other_conv(3, 8), nn.BatchNorm2d(8))
        """,
    "site/neighbour/__init__.py": "",
    "site/neighbour/layers.py": PACKAGE["pkg/layers.py"],
}


def test_an_installed_package_reads_its_own_modules_by_their_absolute_names(tmp_path: Path) -> None:
    # torchvision's files name each other 'from torchvision.ops import ...' with no project marker above
    # site-packages; a package beside it in the same folder is not read.
    write(tmp_path, INSTALLED)
    net = tmp_path / "site" / "tvlike" / "models" / "net.py"
    assert findings(flake8("--select", "RB", str(net)), f"{net}:") == [
        "8:22: " + CONV.format(built=" (built by conv3x3() in tvlike/ops/layers.py)", advice="pass bias=False to conv3x3() ",
                               cost="8 wasted parameters"),
    ]


# A trainer's base class in another module sets the decay its subclass reads.
BASES = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/base.py": """\
        import torch.nn as nn


        class BaseRunner(nn.Module):
            def __init__(self, model):
                super().__init__()
                self.model = model
                self.weight_decay = 0.05
        """,
    "pkg/runner.py": """\
        import torch

        from .base import BaseRunner


        class Runner(BaseRunner):
            def build(self):
                return torch.optim.SGD(self.model.parameters(), lr=0.1, weight_decay=self.weight_decay)
        """,
    "pkg/mixed.py": """\
        import pytorch_lightning as pl
        import torch

        from .base import BaseRunner


        class Mixed(BaseRunner, pl.LightningModule):
            def build(self):
                return torch.optim.SGD(self.model.parameters(), lr=0.1, weight_decay=self.weight_decay)
        """,
}


def test_a_decay_set_by_a_base_class_of_another_module_is_read(tmp_path: Path) -> None:
    write(tmp_path, BASES)
    runner = tmp_path / "pkg" / "runner.py"
    assert findings(flake8("--select", "RB", str(runner)), f"{runner}:") == [
        "8:16: RB201 SGD applies weight_decay=0.05 (self.weight_decay in pkg/base.py) to the biases and normalization "
        "weights of self.model: put them in a parameter group with weight_decay=0.0",
    ]
    # A base from another package (Lightning's module) may set the attribute too: unknown.
    assert flake8("--select", "RB", str(tmp_path / "pkg" / "mixed.py")).stdout == ""


FACTORIES = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/convs.py": """\
        from torch import nn


        def conv3x3(cin, cout, bias=True):
            return nn.Conv2d(cin, cout, 3, padding=1, bias=bias)
        """,
    "pkg/norms.py": """\
        from functools import partial

        from torch import nn


        def get_norm(kind, c):
            if kind == "bn":
                return nn.BatchNorm2d(c)
            return nn.GroupNorm(32, c)


        def get_norm_layer(kind="batch"):
            if kind == "batch":
                return partial(nn.BatchNorm2d, eps=1e-3)
            elif kind == "none":
                return nn.Identity
            raise ValueError(kind)
        """,
    # The model names no norm itself: the norm factories of the project are enough to read it.
    "pkg/model.py": """\
        from torch import nn

        from .convs import conv3x3
        from .norms import get_norm, get_norm_layer as norm_of


        class Net(nn.Module):
            def __init__(self, c, kind):
                super().__init__()
                norm = norm_of("batch")
                self.instance = nn.Sequential(conv3x3(c, c), get_norm("bn", c))
                self.by_class = nn.Sequential(conv3x3(c, c), norm(c))
                self.default = nn.Sequential(conv3x3(c, c), norm_of()(c))
                self.group = nn.Sequential(conv3x3(c, c), get_norm("gn", c))
                self.unknown = nn.Sequential(conv3x3(c, c), get_norm(kind, c))
                self.nothing = nn.Sequential(conv3x3(c, c), norm_of("none")(c))
        """,
}


def test_a_conv_of_one_module_and_a_norm_from_a_factory_of_another(tmp_path: Path) -> None:
    conv = "RB101 Conv2d (built by conv3x3() in pkg/convs.py) bias is cancelled by the BatchNorm2d that follows: pass "
    expected = [f"{at}: {conv}bias=False to conv3x3()" for at in ("11:39", "12:39", "13:38")]
    assert model_findings(tmp_path, FACTORIES) == (expected, expected)


# LaMa's generators: the conv class and the norm class each come out of a factory of another module, picked by a
# string the model's own defaults give, with a class handed over as it is (the ``isinstance`` guard).
CLASS_FACTORIES = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/base.py": """\
        from torch import nn


        def get_conv_block_ctor(kind="default"):
            if not isinstance(kind, str):
                return kind
            if kind == "default":
                return nn.Conv2d
            raise ValueError(kind)


        def get_norm_layer(kind="bn"):
            if not isinstance(kind, str):
                return kind
            if kind == "bn":
                return nn.BatchNorm2d
            if kind == "none":
                return nn.Identity
            raise ValueError(kind)
        """,
    "pkg/model.py": """\
        from torch import nn

        from .base import get_conv_block_ctor, get_norm_layer


        class Generator(nn.Module):
            def __init__(self, c=8, norm_layer="bn", conv_kind="default"):
                super().__init__()
                conv_layer = get_conv_block_ctor(conv_kind)
                norm_layer = get_norm_layer(norm_layer)
                self.model = nn.Sequential(conv_layer(c, c, 3), norm_layer(c), nn.ReLU())

            def forward(self, x):
                return self.model(x)


        class Plain(nn.Module):
            def __init__(self, c=8):
                super().__init__()
                self.model = nn.Sequential(get_conv_block_ctor()(c, c, 3), get_norm_layer("none")(c))

            def forward(self, x):
                return self.model(x)
        """,
}


def test_a_conv_class_and_a_norm_class_from_factories_of_another_module(tmp_path: Path) -> None:
    expected = ["11:36: RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (8 wasted parameters)"]
    assert model_findings(tmp_path, CLASS_FACTORIES) == (expected, expected)


# A subclass applying the layers its base class builds in another module of the package.
BASE_ELSEWHERE = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/base.py": """\
        from torch import nn


        class Base(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.conv = nn.Conv2d(c, c, 3)
                self.bn = nn.BatchNorm2d(c)


        class Applied(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.conv = nn.Conv2d(c, c, 3)
                self.bn = nn.BatchNorm2d(c)

            def forward(self, x):
                return self.conv(x)


        class Off(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.conv = nn.Conv2d(c, c, 3, bias=False)
                self.bn = nn.BatchNorm2d(c)
        """,
    "pkg/model.py": """\
        from torch import nn

        from .base import Applied, Base, Off


        class Child(Base):
            def __init__(self, c):
                super().__init__(c)
                self.head = nn.Sequential(nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c))

            def forward(self, x):
                return self.head(self.bn(self.conv(x)))


        class Bare(Base):
            def forward(self, x):
                return self.bn(self.conv(x))


        class AppliedTwice(Applied):
            def forward(self, x):
                return self.bn(self.conv(x))


        class Plain(Off):
            def forward(self, x):
                return self.bn(self.conv(x))
        """,
}


def test_a_subclass_applying_what_its_base_of_another_module_builds(tmp_path: Path) -> None:
    # Reported where the subclass applies it, naming where it is built; no edit in this file. A base that applies
    # the conv itself too (its own forward) is two uses of one construction: silent.
    expected = [
        f"{at}: RB101 Conv2d (built by Base(), built at pkg/base.py:7) bias is cancelled by the BatchNorm2d that "
        "follows: pass bias=False" for at in ("12:34", "17:24")
    ]
    assert model_findings(tmp_path, BASE_ELSEWHERE) == (expected, expected)


# A subclass calling a method of its base (torchvision's ``self._forward_impl(x)``) asks which base sets that
# attribute: a base whose text stores no such attribute, deriving from the framework's module class, is not parsed.
# A base whose text sets nothing but derives from another of the project's classes is read on, to the class that sets it.
# A field read off an instance of a class of another module (``settings.bias``) has no class default when the class's
# text binds none: that module is not parsed either.
BASES_BY_TEXT = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/stem.py": """\
        from torch import nn


        class Stem(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.conv = nn.Conv2d(c, c, 3)
                self.bn = nn.BatchNorm2d(c)
        """,
    "pkg/base.py": """\
        from .stem import Stem


        class Base(Stem):
            def features(self, x):
                return self.bn(x)
        """,
    "pkg/plain.py": """\
        from torch import nn


        class Plain(nn.Module):
            def _forward_impl(self, x):
                return self.body(x)
        """,
    "pkg/settings.py": """\
        class Settings:
            def __init__(self, bias):
                self.bias = bias
        """,
    "pkg/model.py": """\
        from torch import nn

        from .base import Base
        from .plain import Plain
        from .settings import Settings


        class Child(Base):
            def forward(self, x):
                return self.bn(self.conv(x))


        class Other(Plain):
            def forward(self, x):
                return self.bn(self._forward_impl(x))


        class Head(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.conv = nn.Conv2d(c, c, 1, bias=False)
                self.bn = nn.BatchNorm2d(c)


        def head(c):
            settings = Settings(True)
            return nn.Sequential(nn.Conv2d(c, c, 1, bias=settings.bias), nn.BatchNorm2d(c))
        """,
}


def test_a_base_of_another_module_is_parsed_only_when_its_text_may_set_the_attribute(tmp_path: Path) -> None:
    write(tmp_path, BASES_BY_TEXT)
    source = textwrap.dedent(BASES_BY_TEXT["pkg/model.py"])
    before = dict(project.STATS)
    found = analyse_source(source, filename=str(tmp_path / "pkg" / "model.py"))
    assert [(d.line, d.col, d.text) for d in found] == [(
        10, 23, "RB101 Conv2d (built by Stem(), built at pkg/stem.py:7) bias is cancelled by the BatchNorm2d that "
        "follows: pass bias=False",
    )]
    assert project.STATS["parsed"] - before["parsed"] == 2  # base.py and stem.py; plain.py, settings.py read as text


# timm's own model files name its builder relatively ('from ._builder import build_model_with_cfg'); a project's
# own '_builder' module of the same name is the project's function, not timm's.
RELATIVE_BUILDER = {
    "site/{package}/__init__.py": "",
    "site/{package}/models/__init__.py": "",
    "site/{package}/models/_builder.py": """\
        def build_model_with_cfg(model_cls, variant, pretrained, **kwargs):
            kwargs.setdefault("norm_layer", None)
            return model_cls(**kwargs)
        """,
    "site/{package}/models/net.py": """\
        import torch.nn as nn

        from ._builder import build_model_with_cfg


        class Net(nn.Module):
            def __init__(self, dim=8, norm_layer=nn.BatchNorm2d):
                super().__init__()
                self.conv = nn.Conv2d(3, dim, 3)
                self.norm = norm_layer(dim)

            def forward(self, x):
                return self.norm(self.conv(x))


        def net(pretrained=False, **kwargs):
            return build_model_with_cfg(Net, "net", pretrained, **kwargs)
        """,
}


def test_a_framework_builder_imported_relatively_inside_the_framework(tmp_path: Path) -> None:
    for package in ("timm", "mypkg"):
        write(tmp_path / package, {name.format(package=package): text for name, text in RELATIVE_BUILDER.items()})
    timm_net = tmp_path / "timm" / "site" / "timm" / "models" / "net.py"
    assert findings(flake8("--select", "RB", str(timm_net)), f"{timm_net}:") == [
        "9:21: " + CONV.format(
            built="", advice=PASS, cost="8 wasted parameters; BatchNorm2d from the default of norm_layer in Net()",
        ),
    ]
    own_net = tmp_path / "mypkg" / "site" / "mypkg" / "models" / "net.py"
    assert findings(flake8("--select", "RB", str(own_net)), f"{own_net}:") == []


OWN_ABSOLUTE = {
    "site/{package}/__init__.py": "",
    "site/{package}/layers/__init__.py": "from .split import Split\n",
    # timm's SplitAttn: its conv switched by the caller (off by default), its attention conv always biased, each
    # followed by the norm its caller picks, if any
    "site/{package}/layers/split.py": """\
        from torch import nn


        class Split(nn.Module):
            def __init__(self, cin, cout, bias=False, norm_layer=None):
                super().__init__()
                self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=bias)
                self.bn0 = norm_layer(cout) if norm_layer else nn.Identity()
                self.fc1 = nn.Conv2d(cout, 8, 1)
                self.bn1 = norm_layer(8) if norm_layer else nn.Identity()

            def forward(self, x):
                x = self.bn0(self.conv(x))
                return x * self.bn1(self.fc1(x.mean((2, 3), keepdim=True))).sum()
        """,
    "site/{package}/models/__init__.py": "",
    # inside timm, timm's own modules imported by their absolute names
    "site/{package}/models/net.py": """\
        from torch import nn

        from {package}.layers import Split


        class Net(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.normed = Split(c, c, norm_layer=nn.BatchNorm2d)
                self.layer_normed = Split(c, c, norm_layer=nn.LayerNorm)
                self.plain = Split(c, c)

            def forward(self, x):
                return self.plain(self.layer_normed(self.normed(x)))
        """,
}


def test_a_block_of_the_package_imported_by_its_absolute_name_inside_a_framework(tmp_path: Path) -> None:
    # The call hands the norm: the attention conv's bias, on whatever the call passes, is cancelled.
    expected = [
        "9:23: RB101 Conv2d (inside Split() in {package}/layers/split.py) bias is cancelled by the BatchNorm2d "
        "that follows: give Split() a bias parameter and pass bias=False here (8 wasted parameters)",
    ]
    for package in ("timm", "mypkg"):
        write(tmp_path / package, {
            name.format(package=package): text.replace("{package}", package) for name, text in OWN_ABSOLUTE.items()
        })
        net = tmp_path / package / "site" / package / "models" / "net.py"
        assert findings(flake8("--select", "RB", str(net)), f"{net}:") == [
            line.format(package=package) for line in expected
        ]


OWN_NORMS = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/norms.py": """\
        from torch import nn


        class IBNorm(nn.BatchNorm2d):
            \"\"\"The project's norm: BatchNorm2d under its own name.\"\"\"


        class FrozenNorm(nn.BatchNorm2d):
            def train(self, mode=True):
                return super().train(False)
        """,
    # The model spells no framework norm: the class it imports from the project is one.
    "pkg/model.py": """\
        from torch import nn

        from .norms import FrozenNorm, IBNorm


        class Net(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.own = nn.Sequential(nn.Conv2d(c, c, 3), IBNorm(c))
                self.frozen = nn.Sequential(nn.Conv2d(c, c, 3), FrozenNorm(c))
        """,
}


def test_a_norm_class_of_another_module_deriving_from_a_framework_norm(tmp_path: Path) -> None:
    expected = ["9:34: RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"]
    assert model_findings(tmp_path, OWN_NORMS) == (expected, expected)


LITERAL_SWITCHES = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/blocks.py": """\
        from torch import nn


        class ConvBN(nn.Module):
            def __init__(self, cin, cout, conv_bias=False, inplace=False):
                super().__init__()
                self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=conv_bias)
                self.bn = nn.BatchNorm2d(cout)
                self.act = nn.ReLU(inplace=inplace)

            def forward(self, x):
                return self.act(self.bn(self.conv(x)))
        """,
    # The switch is not passed by keyword: the block's definition says which it is.
    "pkg/model.py": """\
        from torch import nn

        from . import blocks
        from .blocks import ConvBN

        by_place = ConvBN(3, 8, True)
        by_name = ConvBN(3, 8, conv_bias=True)  # a keyword no row spells: read, as the block names a norm
        other_flag = ConvBN(3, 8, False, True)
        act_only = ConvBN(3, 8, inplace=True)
        norm = nn.BatchNorm2d(8)
        through_module = blocks.ConvBN(3, 8, True)
        off_through_module = blocks.ConvBN(3, 8, False, True)
        """,
}


def test_a_block_of_another_module_switched_on_by_place(tmp_path: Path) -> None:
    found = "RB101 Conv2d (inside ConvBN() in pkg/blocks.py) bias is cancelled by the BatchNorm2d that follows: "
    expected = [
        f"6:12: {found}pass conv_bias=False to ConvBN() (8 wasted parameters)",
        f"7:11: {found}pass conv_bias=False to ConvBN() (8 wasted parameters)",
        f"11:18: {found}pass conv_bias=False to ConvBN() (8 wasted parameters)",
    ]
    assert model_findings(tmp_path, LITERAL_SWITCHES) == (expected, expected)


DEFAULTS_LEFT_ON = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    # pytorch-semseg's shape: a block whose bias its default leaves on, which a call of its own module turns off,
    # so that its module reports it at each call that leaves the default, and the other modules' calls at theirs.
    "pkg/blocks.py": """\
        from torch import nn


        class ConvBNReLU(nn.Module):
            def __init__(self, cin, cout, k, stride=1, bias=True):
                super().__init__()
                self.unit = nn.Sequential(nn.Conv2d(cin, cout, k, stride, bias=bias), nn.BatchNorm2d(cout), nn.ReLU())

            def forward(self, x):
                return self.unit(x)


        def conv_bn(cin, cout, bias: bool = True):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, bias=bias), nn.BatchNorm2d(cout))


        def conv_bn_always(cin, cout, bias=True):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, bias=bias), nn.BatchNorm2d(cout))


        head = ConvBNReLU(8, 8, 1, bias=False)
        branch = conv_bn(8, 8, bias=False)
        """,
    "pkg/model.py": """\
        from torch import nn

        from .blocks import ConvBNReLU, conv_bn, conv_bn_always


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.stem = ConvBNReLU(3, 48, 5, 2)
                self.off = ConvBNReLU(3, 48, 5, 2, False)
                self.named_off = ConvBNReLU(3, 48, 5, bias=False)
                self.branch = conv_bn(48, 48)
                self.always = conv_bn_always(48, 48)  # its own module reports its default, where the fix goes
        """,
}


def test_a_block_of_another_module_leaving_its_default_bias_on(tmp_path: Path) -> None:
    inside = "bias is cancelled by the BatchNorm2d that follows: "
    expected = [
        f"9:21: RB101 Conv2d (inside ConvBNReLU() in pkg/blocks.py) {inside}pass bias=False to ConvBNReLU() (48 wasted "
        "parameters)",
        f"12:23: RB101 Conv2d (inside conv_bn() in pkg/blocks.py) {inside}pass bias=False to conv_bn() (48 wasted "
        "parameters)",
    ]
    assert model_findings(tmp_path, DEFAULTS_LEFT_ON) == (expected, expected)
    blocks = tmp_path / "pkg" / "blocks.py"
    assert findings(flake8("--select", "RB", str(blocks)), f"{blocks}:") == [
        f"18:26: RB101 Conv2d {inside}make bias=False in conv_bn_always() and its calls",
    ]


NORM_NAMED_OTHERWISE = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    # SPADE's shape: the norm class picks its parameter-free norm by a string, and its blocks import it by a name
    # that says nothing of a norm.
    "pkg/normalization.py": """\
        import re

        import torch.nn as nn
        import torch.nn.functional as F


        class SPADE(nn.Module):
            def __init__(self, config_text, norm_nc, label_nc):
                super().__init__()
                kind = re.search(r"spade(\\D+)(\\d)x\\d", config_text).group(1)
                if kind == "instance":
                    self.param_free_norm = nn.InstanceNorm2d(norm_nc, affine=False)
                elif kind == "batch":
                    self.param_free_norm = nn.BatchNorm2d(norm_nc, affine=False)
                else:
                    raise ValueError(kind)
                self.mlp_gamma = nn.Conv2d(label_nc, norm_nc, kernel_size=3, padding=1)

            def forward(self, x, segmap):
                normalized = self.param_free_norm(x)
                segmap = F.interpolate(segmap, size=x.size()[2:], mode="nearest")
                return normalized * (1 + self.mlp_gamma(segmap))
        """,
    "pkg/model.py": """\
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.nn.utils import spectral_norm

        from .normalization import SPADE


        class SPADEResnetBlock(nn.Module):
            def __init__(self, fin, fout, norm_g, semantic_nc):
                super().__init__()
                self.conv_0 = nn.Conv2d(fin, fout, kernel_size=3, padding=1)
                self.conv_1 = nn.Conv2d(fout, fout, kernel_size=3, padding=1)
                if "spectral" in norm_g:
                    self.conv_0 = spectral_norm(self.conv_0)
                    self.conv_1 = spectral_norm(self.conv_1)
                self.norm_0 = SPADE(norm_g.replace("spectral", ""), fin, semantic_nc)
                self.norm_1 = SPADE(norm_g.replace("spectral", ""), fout, semantic_nc)

            def forward(self, x, seg):
                dx = self.conv_0(F.leaky_relu(self.norm_0(x, seg), 2e-1))
                dx = self.conv_1(F.leaky_relu(self.norm_1(dx, seg), 2e-1))
                return x + dx
        """,
}


def test_a_norm_class_of_another_module_named_otherwise(tmp_path: Path) -> None:
    expected = ["11:23: RB101 Conv2d bias is cancelled by the InstanceNorm2d or BatchNorm2d that follows: pass bias=False"]
    assert model_findings(tmp_path, NORM_NAMED_OTHERWISE) == (expected, expected)


LAYER_CLASSES_HANDED = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    # dynamic-network-architectures' shape: the block names no layer; its caller hands it the classes.
    "pkg/blocks.py": """\
        from torch import nn


        class ConvNorm(nn.Module):
            def __init__(self, conv_op, cin, cout, bias=False, norm_op=None):
                super().__init__()
                self.conv = conv_op(cin, cout, 3, padding=1, bias=bias)
                self.norm = norm_op(cout)

            def forward(self, x):
                return self.norm(self.conv(x))
        """,
    "pkg/model.py": """\
        from torch import nn

        from .blocks import ConvNorm

        cancelled = ConvNorm(nn.Conv2d, 3, 8, bias=True, norm_op=nn.BatchNorm2d)
        by_place = ConvNorm(nn.Conv2d, 3, 8, True, nn.InstanceNorm2d)
        kept = ConvNorm(nn.Conv2d, 3, 8, bias=False, norm_op=nn.BatchNorm2d)
        no_norm = ConvNorm(nn.Conv2d, 3, 8, bias=True, norm_op=nn.Identity)
        layer_norm = ConvNorm(nn.Linear, 3, 8, bias=True, norm_op=nn.LayerNorm)
        """,
}


def test_layer_classes_handed_to_a_block_of_another_module(tmp_path: Path) -> None:
    found = "RB101 Conv2d (inside ConvNorm() in pkg/blocks.py) bias is cancelled by the {} that follows: "
    expected = [
        f"5:13: {found.format('BatchNorm2d')}pass bias=False to ConvNorm() (8 wasted parameters)",
        f"6:12: {found.format('InstanceNorm2d')}pass bias=False to ConvNorm() (8 wasted parameters)",
    ]
    assert model_findings(tmp_path, LAYER_CLASSES_HANDED) == (expected, expected)


NORM_HANDED = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    # timm's SEModule: its bias on by default, no norm unless the caller hands one (rexnet hands it through a
    # partial); its own module never sees a norm after the conv, so the call that hands one is where it is reported.
    "pkg/se.py": """\
        from torch import nn


        class SE(nn.Module):
            def __init__(self, channels, rd_channels, bias=True, norm_layer=None, gate=True):
                super().__init__()
                self.fc1 = nn.Conv2d(channels, rd_channels, kernel_size=1, bias=bias)
                self.bn = norm_layer(rd_channels) if norm_layer else nn.Identity()
                self.act = nn.ReLU()

            def forward(self, x):
                return self.act(self.bn(self.fc1(x)))


        class Shared(nn.Module):
            # timm's own SEModule: one switch for fc1, whose bias the norm cancels, and fc2, whose bias it keeps.
            def __init__(self, channels, rd_channels, bias=True, norm_layer=None):
                super().__init__()
                self.fc1 = nn.Conv2d(channels, rd_channels, kernel_size=1, bias=bias)
                self.bn = norm_layer(rd_channels) if norm_layer else nn.Identity()
                self.fc2 = nn.Conv2d(rd_channels, channels, kernel_size=1, bias=bias)

            def forward(self, x):
                return x * self.fc2(self.bn(self.fc1(x))).sigmoid()


        class Normed(nn.Module):
            def __init__(self, channels, bias=True, norm_layer=nn.BatchNorm2d):
                super().__init__()
                self.fc = nn.Conv2d(channels, channels, kernel_size=1, bias=bias)
                self.bn = norm_layer(channels)

            def forward(self, x):
                return self.bn(self.fc(x))
        """,
    "pkg/model.py": """\
        from functools import partial

        from torch import nn

        from .se import SE, Normed, Shared

        SEWithNorm = partial(SE, norm_layer=nn.BatchNorm2d)
        handed = SE(64, 16, norm_layer=nn.BatchNorm2d)
        preset = SEWithNorm(64, 16)
        switched_off = SEWithNorm(64, 16, bias=False)
        no_norm = SE(64, 16, gate=nn.Sigmoid)
        normed = Normed(64, norm_layer=nn.BatchNorm2d)
        shared = Shared(64, 16, norm_layer=nn.BatchNorm2d)
        """,
}


def test_norm_handed_to_a_block_of_another_module(tmp_path: Path) -> None:
    # Normed's own default is the waste: reported in pkg/se.py, at the block, not again at each call.
    found = "RB101 Conv2d (inside SE() in pkg/se.py) bias is cancelled by the BatchNorm2d that follows: "
    expected = [
        f"8:10: {found}pass bias=False to SE() (16 wasted parameters)",
        f"9:10: {found}pass bias=False to SE() (16 wasted parameters)",
        "13:10: RB101 Conv2d (inside Shared() in pkg/se.py) bias is cancelled by the BatchNorm2d that follows: "
        "Shared()'s bias parameter also switches its other layers: give this one a switch of its own (16 wasted parameters)",
    ]
    assert model_findings(tmp_path, NORM_HANDED) == (expected, expected)


NORM_HELD = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    # timm's SplitAttn: its attention conv's bias is on whatever its caller passes, its norm is the caller's.
    "pkg/split_attn.py": """\
        from torch import nn


        class SplitAttn(nn.Module):
            def __init__(self, channels, bias=False, norm_layer=None):
                super().__init__()
                self.conv = nn.Conv2d(channels, channels, 3, bias=bias)
                self.bn0 = norm_layer(channels) if norm_layer else nn.Identity()
                self.fc1 = nn.Conv2d(channels, 32, 1)
                self.bn1 = norm_layer(32) if norm_layer else nn.Identity()
                self.fc2 = nn.Conv2d(32, channels, 1)

            def forward(self, x):
                x = self.bn0(self.conv(x))
                gap = self.fc1(x.mean((2, 3), keepdim=True))
                gap = self.bn1(gap)
                return x * self.fc2(gap).sigmoid()
        """,
    "pkg/model.py": """\
        from torch import nn

        from .split_attn import SplitAttn


        class Bottleneck(nn.Module):  # built by a registry: its own default decides
            def __init__(self, planes, radix=1, norm_layer=nn.BatchNorm2d):
                super().__init__()
                if radix >= 1:
                    self.conv2 = SplitAttn(planes, norm_layer=norm_layer)
                else:
                    self.conv2 = nn.Conv2d(planes, planes, 3, bias=False)

            def forward(self, x):
                return self.conv2(x)


        class Plain(nn.Module):  # called below with no norm
            def __init__(self, planes, norm_layer=nn.BatchNorm2d):
                super().__init__()
                self.conv2 = SplitAttn(planes, norm_layer=norm_layer)

            def forward(self, x):
                return self.conv2(x)


        class Optional(nn.Module):  # the norm only when asked for
            def __init__(self, planes, norm_layer=nn.BatchNorm2d, use_norm=False):
                super().__init__()
                if not use_norm:
                    norm_layer = None
                self.conv2 = SplitAttn(planes, norm_layer=norm_layer)

            def forward(self, x):
                return self.conv2(x)


        class Layered(nn.Module):  # a norm that does not cancel a per-channel bias
            def __init__(self, planes, norm_layer=nn.LayerNorm):
                super().__init__()
                self.conv2 = SplitAttn(planes, norm_layer=norm_layer)

            def forward(self, x):
                return self.conv2(x)


        plain = Plain(8, norm_layer=None)
        optional = Optional(8)
        """,
}


def test_a_norm_a_parameter_holds_handed_to_a_block_of_another_module(tmp_path: Path) -> None:
    # ResNeSt's bottleneck hands its norm_layer, nn.BatchNorm2d by default, to timm's SplitAttn: the attention conv's
    # bias is on for every call, and the norm its caller's.  Where the parameter may hold None, or a LayerNorm, or a
    # call passes None, nothing is read.
    expected = [
        "10:26: RB101 Conv2d (inside SplitAttn() in pkg/split_attn.py) bias is cancelled by the BatchNorm2d that "
        "follows: give SplitAttn() a bias parameter and pass bias=False here (32 wasted parameters; BatchNorm2d from "
        "the default of norm_layer in Bottleneck())",
    ]
    assert model_findings(tmp_path, NORM_HELD) == (expected, expected)


SYNCHRONIZED = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    # vacancy's Synchronized-BatchNorm-PyTorch as semantic-segmentation-pytorch vendors it: re-exported by a
    # star import, a _BatchNorm whose forward is F.batch_norm unless it trains on several devices.
    "pkg/nn/__init__.py": "from .modules import *\n",
    "pkg/nn/modules/__init__.py": "from .batchnorm import SynchronizedBatchNorm2d, OddBatchNorm2d\n",
    "pkg/nn/hidden.py": "__all__ = ['Other']\nfrom .modules.batchnorm import SynchronizedBatchNorm2d\n",
    "pkg/nn/limited.py": "from .hidden import *\n",  # __all__ keeps the class out: limited has no such name
    "pkg/nn/modules/batchnorm.py": """\
        import torch.nn.functional as F
        from torch.nn.modules.batchnorm import _BatchNorm


        class _SynchronizedBatchNorm(_BatchNorm):
            def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
                super().__init__(num_features, eps=eps, momentum=momentum, affine=affine)
                self._is_parallel = False

            def forward(self, input):
                if not (self._is_parallel and self.training):
                    return F.batch_norm(
                        input, self.running_mean, self.running_var, self.weight, self.bias,
                        self.training, self.momentum, self.eps)
                mean, inv_std = self._sync_master.run_master(input)
                return (input - mean) * inv_std

            def __data_parallel_replicate__(self, ctx, copy_id):
                self._is_parallel = True

            def _data_parallel_master(self, intermediates):
                return intermediates


        class SynchronizedBatchNorm2d(_SynchronizedBatchNorm):
            def _check_input_dim(self, input):
                if input.dim() != 4:
                    raise ValueError("expected 4D input")


        class _Odd(_BatchNorm):
            def forward(self, input):
                return input


        class OddBatchNorm2d(_Odd):
            def _check_input_dim(self, input):
                pass
        """,
    "pkg/model.py": """\
        from torch import nn

        from .nn import OddBatchNorm2d, SynchronizedBatchNorm2d
        from .nn import hidden, limited

        synchronized = nn.Sequential(nn.Conv2d(3, 8, 3), SynchronizedBatchNorm2d(8))
        odd = nn.Sequential(nn.Conv2d(3, 8, 3), OddBatchNorm2d(8))
        attribute = nn.Sequential(nn.Conv2d(3, 8, 3), hidden.SynchronizedBatchNorm2d(8))
        behind_all = nn.Sequential(nn.Conv2d(3, 8, 3), limited.SynchronizedBatchNorm2d(8))
        BatchNorm2d = SynchronizedBatchNorm2d  # semseg's every model file
        Odd = OddBatchNorm2d
        aliased = nn.Sequential(nn.Conv2d(3, 8, 3), BatchNorm2d(8))
        odd_alias = nn.Sequential(nn.Conv2d(3, 8, 3), Odd(8))
        """,
}


def test_a_vendored_synchronized_batch_norm_re_exported_by_a_star_import_and_aliased(tmp_path: Path) -> None:
    found = "RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (8 wasted parameters)"
    expected = [f"6:30: {found}", f"8:27: {found}", f"12:25: {found}"]
    assert model_findings(tmp_path, SYNCHRONIZED) == (expected, expected)


BRANCH_BOUND_NORMS = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    # HRNet's bn_helper shapes: a chain of names, and one name per arm of a module-level if/else.
    "pkg/norms.py": """\
        import functools

        import torch
        from torch import nn

        NormClass = Norm = nn.SyncBatchNorm

        if torch.cuda.is_available():
            Either = nn.SyncBatchNorm
        else:
            Either = nn.BatchNorm2d

        if torch.cuda.is_available():
            Mixed = nn.BatchNorm2d
        else:
            Mixed = nn.Identity

        Twice = nn.BatchNorm2d
        Twice = nn.Identity

        # HRNet's test: no torch 0.x installs today, so only the other arm runs.
        if torch.__version__.startswith("0"):
            from .inplace_abn import InPlaceABNSync
            Versioned = functools.partial(InPlaceABNSync, activation="none")
        else:
            Versioned = nn.SyncBatchNorm

        if torch.__version__.startswith("2"):
            Undecided = nn.Identity
        else:
            Undecided = nn.BatchNorm2d
        """,
    "pkg/model.py": """\
        from torch import nn

        from .norms import Either, Mixed, Norm, Twice, Undecided, Versioned

        chained = nn.Sequential(nn.Conv2d(3, 8, 3), Norm(8))
        either = nn.Sequential(nn.Conv2d(3, 8, 3), Either(8))
        mixed = nn.Sequential(nn.Conv2d(3, 8, 3), Mixed(8))
        twice = nn.Sequential(nn.Conv2d(3, 8, 3), Twice(8))
        versioned = nn.Sequential(nn.Conv2d(3, 8, 3), Versioned(8))
        undecided = nn.Sequential(nn.Conv2d(3, 8, 3), Undecided(8))
        """,
}


def test_norm_names_bound_in_a_chain_or_in_branches_of_another_module(tmp_path: Path) -> None:
    expected = [
        "5:25: RB101 Conv2d bias is cancelled by the SyncBatchNorm that follows: pass bias=False (8 wasted parameters)",
        "6:24: RB101 Conv2d bias is cancelled by the BatchNorm2d or SyncBatchNorm that follows: pass bias=False "
        "(8 wasted parameters)",
        "9:27: RB101 Conv2d bias is cancelled by the SyncBatchNorm that follows: pass bias=False (8 wasted parameters)",
    ]
    assert model_findings(tmp_path, BRANCH_BOUND_NORMS) == (expected, expected)


HELPERS = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/train_util.py": """\
        import torch


        def get_optimizer(args, params):
            if args.optimizer_type == "":
                return torch.optim.AdamW(params, lr=args.lr)
            return torch.optim.SGD(params, lr=args.lr, momentum=0.9)


        def make_optimizer(params, weight_decay=5e-4):
            if not params:
                raise ValueError("no parameters")
            optimizer = torch.optim.SGD(params, lr=0.1, weight_decay=weight_decay)
            return optimizer


        def build_optimizer(model, weight_decay=5e-4):
            return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=weight_decay)


        def sgd_optimizer(model, cfg):
            return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=cfg.weight_decay)


        def choose_optimizer(params, name):
            if name == "sgd":
                return torch.optim.SGD(params, lr=0.1, momentum=0.9)
            return torch.optim.AdamW(params, lr=1e-3)


        def lazy_optimizer(params):
            return lambda: torch.optim.AdamW(params)


        class Trainer:
            def __init__(self, model, weight_decay=0.0):
                self.model = model
                self.optimizer = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=weight_decay)
        """,
    "pkg/config.py": """\
        from dataclasses import dataclass


        @dataclass
        class TrainConfig:
            weight_decay: float = 0.05
        """,
    "pkg/model.py": """\
        import argparse

        import torch.nn as nn

        from .config import TrainConfig
        from .train_util import build_optimizer, choose_optimizer, get_optimizer, lazy_optimizer, make_optimizer
        from .train_util import Trainer, sgd_optimizer

        parser = argparse.ArgumentParser()
        parser.add_argument("--optimizer-type", default="")
        parser.add_argument("--lr", type=float, default=1e-3)
        args = parser.parse_args()
        model = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8))
        lean = nn.Linear(8, 8, bias=False)
        cfg = TrainConfig()

        opt1 = get_optimizer(args, model.parameters())
        opt2 = make_optimizer(model.parameters())
        opt3 = make_optimizer(list(model.parameters()), weight_decay=1e-4)
        opt4 = sgd_optimizer(model, cfg)
        opt5 = choose_optimizer(model.parameters(), "adamw")
        # The helper's module decides these itself (build_optimizer) or the call leaves them undecided: not here.
        opt6 = build_optimizer(model)
        opt7 = choose_optimizer(model.parameters(), args.lr)
        # Nothing they decay holds a bias or a norm, or no decay, or not built by the call.
        opt8 = make_optimizer(lean.parameters())
        opt9 = make_optimizer(model.parameters(), weight_decay=0.0)
        opt10 = choose_optimizer(model.parameters(), "sgd")
        opt11 = lazy_optimizer(model.parameters())
        opt12 = make_optimizer([p for p in model.parameters() if p.ndim > 1])
        trainer = Trainer(model, weight_decay=1e-4)
        quiet = Trainer(model)
        """,
}


def built_by(optimizer: str, helper: str, line: int, decay: str) -> str:
    return (
        f"RB201 {optimizer} built by {helper}() (pkg/train_util.py:{line}) applies weight_decay={decay} to the biases "
        "and normalization weights of model: put them in a parameter group with weight_decay=0.0"
    )


def test_an_optimizer_built_by_a_helper_of_another_module_is_reported_at_the_call(tmp_path: Path) -> None:
    by_path, by_stdin = model_findings(tmp_path, HELPERS)
    expected = [
        "17:8: " + built_by("AdamW", "get_optimizer", 6, "0.01 (its default)"),
        "18:8: " + built_by("SGD", "make_optimizer", 13, "0.0005 (weight_decay)"),
        "19:8: " + built_by("SGD", "make_optimizer", 13, "0.0001 (weight_decay)"),
        "20:8: " + built_by("SGD", "sgd_optimizer", 22, "0.05 (the default of TrainConfig.weight_decay in pkg/config.py)"),
        "21:8: " + built_by("AdamW", "choose_optimizer", 28, "0.01 (its default)"),
        "31:11: " + built_by("SGD", "Trainer", 38, "0.0001 (weight_decay)"),
    ]
    assert by_path == expected
    assert by_stdin == expected
    # The helper's own module reports what it decides alone, and nothing that depends on its callers.
    helpers = tmp_path / "pkg" / "train_util.py"
    assert findings(flake8("--select", "RB", str(helpers)), f"{helpers}:") == [
        "18:12: RB201 SGD applies weight_decay=0.0005 (the default of weight_decay in build_optimizer()) to the biases "
        "and normalization weights of model: put them in a parameter group with weight_decay=0.0",
    ]
    # Another option default decides the helper's test against AdamW: SGD without decay is built.
    other = dict(HELPERS, **{"pkg/model.py": HELPERS["pkg/model.py"].replace('default=""', 'default="sgd"')})
    assert model_findings(tmp_path, other)[0] == expected[1:]


def test_openmmlab_configs_merged_with_their_bases(tmp_path: Path) -> None:
    write_configs(tmp_path)
    result = flake8("--select", "RB", str(tmp_path / "configs"))
    assert sorted(result.stdout.splitlines()) == sorted(expected_findings(tmp_path))
    assert result.returncode == 1
    # The same from stdin, beside its display name (its bases read from disk), and through the command.
    adamw = tmp_path / "configs" / "det" / "adamw.py"
    by_stdin = flake8("--select", "RB", "--stdin-display-name", str(adamw), "-", stdin=adamw.read_text())
    assert findings(by_stdin, f"{adamw}:") == [CONFIGS["configs/det/adamw.py"][1]]
    command = redundant_bias("check", "--no-cache", "configs", cwd=tmp_path)
    assert command.stdout.splitlines()[:-1] == [
        line[len(str(tmp_path)) + 1:] for line in sorted(expected_findings(tmp_path))
    ]
    # A config whose bases cannot be read stays silent from stdin without a path.
    assert flake8("--select", "RB", "-", stdin=adamw.read_text()).stdout == ""


LIGHTNING_BASE = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/base.py": """\
        import pytorch_lightning as pl


        class BaseModule(pl.LightningModule):
            def __init__(self, lr=1e-3, weight_decay=0.05):
                super().__init__()
                self.save_hyperparameters()
        """,
    "pkg/model.py": """\
        import torch
        import torch.nn as nn

        from .base import BaseModule


        class Net(BaseModule):
            def __init__(self):
                super().__init__(lr=1e-4)
                self.body = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8))

            def configure_optimizers(self):
                return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)


        class Quiet(BaseModule):
            def __init__(self):
                super().__init__(weight_decay=0.0)
                self.body = nn.Conv2d(3, 8, 3)

            def configure_optimizers(self):
                return torch.optim.AdamW(self.parameters(), weight_decay=self.hparams.weight_decay)
        """,
}


def test_lightning_hparams_kept_by_a_base_class_of_another_module(tmp_path: Path) -> None:
    # Lightning 2.6.6 keeps the arguments of every __init__ on the way: Net().hparams.weight_decay is 0.05.
    by_path, by_stdin = model_findings(tmp_path, LIGHTNING_BASE)
    expected = [
        "13:16: RB201 AdamW applies weight_decay=0.05 (the default of hparams.weight_decay in pkg/base.py) to the "
        "biases and normalization weights of self: put them in a parameter group with weight_decay=0.0",
    ]
    assert by_path == expected
    assert by_stdin == expected


def test_a_helper_called_through_its_module_from_a_script(tmp_path: Path) -> None:
    """The issue's own shape: ``train_util.get_optimizer(args, trainable_params)``, the script beside the helper's
    module, in a file that names no optimizer."""
    write(tmp_path, {
        "pyproject.toml": "",
        "train_util.py": HELPERS["pkg/train_util.py"],
        "train.py": """\
            import argparse

            import torch.nn as nn

            import train_util

            parser = argparse.ArgumentParser()
            parser.add_argument("--optimizer_type", default="")
            parser.add_argument("--lr", type=float, default=1e-3)
            args = parser.parse_args()
            model = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8))
            trainable_params = model.parameters()
            optimizer = train_util.get_optimizer(args, trainable_params)
            """,
    })
    script = tmp_path / "train.py"
    expected = [
        "13:13: RB201 AdamW built by get_optimizer() (train_util.py:6) applies weight_decay=0.01 (its default) to the "
        "biases and normalization weights of model: put them in a parameter group with weight_decay=0.0",
    ]
    assert findings(flake8("--select", "RB", str(script)), f"{script}:") == expected
    by_stdin = flake8("--select", "RB", "--stdin-display-name", str(script), "-", stdin=script.read_text())
    assert findings(by_stdin, f"{script}:") == expected


NORM_TABLE = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    "pkg/norm.py": """\
        import torch.nn as nn

        NORMS: dict[str, type] = {"bn2d": nn.BatchNorm2d, "ln": nn.LayerNorm}


        def build_norm(name="bn2d", num_features=None, **kwargs):
            if name in NORMS:
                norm_cls = NORMS[name]
                return norm_cls(num_features, **kwargs)
            return None
        """,
    "pkg/ops.py": """\
        import torch.nn as nn

        from pkg.norm import build_norm


        class ConvLayer(nn.Module):
            def __init__(self, cin, cout, bias=False, norm="bn2d"):
                super().__init__()
                self.conv = nn.Conv2d(cin, cout, 3, bias=bias)
                self.norm = build_norm(norm, num_features=cout)

            def forward(self, x):
                return self.norm(self.conv(x))
        """,
    "pkg/model.py": """\
        import torch.nn as nn

        from pkg.norm import build_norm
        from pkg.ops import ConvLayer


        class ConvNorm(nn.Module):
            def __init__(self, norm="bn2d"):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.norm = build_norm(norm, num_features=8)

            def forward(self, x):
                return self.norm(self.conv(x))


        class LastAxis(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.norm = build_norm("ln", num_features=8)
                self.block = ConvLayer(3, 8, True)

            def forward(self, x):
                return self.norm(self.conv(x))
        """,
}


def test_a_norm_looked_up_in_a_table_of_another_module(tmp_path: Path) -> None:
    # EfficientViT's ``build_norm``: the function names no norm, the table it reads does; ``"ln"`` picks a
    # LayerNorm, which keeps a conv's channel bias.  A block of a third module that builds its norm so is read
    # at a call switching its bias on by position.
    by_path, by_stdin = model_findings(tmp_path, NORM_TABLE)
    assert by_path == by_stdin == [
        "10:21: " + CONV.format(built="", advice=PASS, cost="8 wasted parameters"),
        "22:22: " + CONV.format(
            built=" (inside ConvLayer() in pkg/ops.py)", advice="pass bias=False to ConvLayer() ", cost="8 wasted parameters",
        ),
    ]


INITIALISED = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    # CRAFT's basenet/vgg16_bn.py: a weight initialiser that sets each layer's state and runs none.
    "pkg/init.py": """\
        from torch import nn


        def init_weights(modules):
            for m in modules:
                if isinstance(m, nn.Conv2d):
                    nn.init.xavier_uniform_(m.weight.data)
                    if m.bias is not None:
                        m.bias.data.zero_()


        def freeze_norms(modules):
            for m in modules:
                if isinstance(m, nn.BatchNorm2d):
                    m.eval()
        """,
    "pkg/model.py": """\
        from torch import nn

        from .init import freeze_norms, init_weights


        class RefineNet(nn.Module):
            def __init__(self):
                super().__init__()
                self.last_conv = nn.Sequential(nn.Conv2d(34, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU())
                self.frozen = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU())
                init_weights(self.last_conv.modules())
                freeze_norms(self.frozen.modules())

            def forward(self, x):
                return self.frozen(self.last_conv(x))
        """,
}


def test_a_container_a_helper_of_another_module_initialises_is_read_as_a_chain(tmp_path: Path) -> None:
    # CRAFT's RefineNet: init_weights(self.last_conv.modules()) only sets weights, so the Sequential's chain stands;
    # freeze_norms puts its norms in eval mode (a method of each layer), so that walk is a use.
    expected = ["9:40: RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (64 wasted parameters)"]
    assert model_findings(tmp_path, INITIALISED) == (expected, expected)


SEMSEG_UTILS = """\
    import torch.nn as nn


    class ConvBNRelu(nn.Module):
        def __init__(self, cin, cout, bias=False, is_batchnorm=True):
            super().__init__()
            conv = nn.Conv2d(cin, cout, 3, padding=1, bias=bias)
            if is_batchnorm:
                self.unit = nn.Sequential(conv, nn.BatchNorm2d(cout), nn.ReLU(inplace=True))
            else:
                self.unit = nn.Sequential(conv, nn.ReLU(inplace=True))

        def forward(self, x):
            return self.unit(x)
    """

SEMSEG_MODEL = """\
    import torch.nn as nn

    from .utils import ConvBNRelu


    class ICNet(nn.Module):
        def __init__(self, is_batchnorm=True):
            super().__init__()
            bias = not is_batchnorm
            self.stem = ConvBNRelu(3, 32, bias=bias, is_batchnorm=is_batchnorm)

        def forward(self, x):
            return self.stem(x)

        def frozen(self):
            return [m for m in self.modules() if isinstance(m, nn.BatchNorm2d)]


    net = ICNet({flag})
    """


def test_a_block_of_another_module_read_for_a_call_leaves_out_what_the_call_s_flag_does(tmp_path: Path) -> None:
    # pytorch-semseg's ICNet: its bias is on exactly where its flag keeps the block's norm out. The block, read
    # for the call, built the container of the other branch too (7 false findings in icnet.py).
    write(tmp_path, {
        "setup.cfg": "", "pkg/__init__.py": "", "pkg/utils.py": SEMSEG_UTILS,
        "pkg/off.py": SEMSEG_MODEL.format(flag="is_batchnorm=False"),
        "pkg/on.py": SEMSEG_MODEL.format(flag="").replace("bias = not is_batchnorm", "bias = True"),
    })
    result = flake8("--select", "RB", str(tmp_path / "pkg" / "off.py"), str(tmp_path / "pkg" / "on.py"))
    assert result.stdout == (
        f"{tmp_path / 'pkg' / 'on.py'}:10:21: RB101 Conv2d (inside ConvBNRelu() in pkg/utils.py) bias is cancelled "
        "by the BatchNorm2d that follows: pass bias=False to ConvBNRelu() (32 wasted parameters)\n"
    )


BIAS_READER = {
    "pyproject.toml": "",
    "pkg/__init__.py": "",
    # pytorch-generative-model-collections' initializer: every conv's bias zeroed, with no check that it exists.
    "pkg/utils.py": """\
        import torch.nn as nn


        def initialize_weights(net):
            for m in net.modules():
                if isinstance(m, nn.Conv2d):
                    m.weight.data.normal_(0, 0.02)
                    m.bias.data.zero_()


        def checked_init(net):
            for m in net.modules():
                if isinstance(m, nn.Conv2d) and m.bias is not None:
                    m.bias.data.zero_()
        """,
    "pkg/model.py": """\
        import torch.nn as nn

        from pkg import utils
        from pkg.utils import checked_init


        class Unchecked(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.body = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c))
                utils.initialize_weights(self)


        class Checked(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.body = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c))
                checked_init(self)
        """,
}


def test_a_finding_names_an_initializer_of_another_module_that_reads_the_bias(tmp_path: Path) -> None:
    # Passing bias=False would make initialize_weights() fail on ``m.bias.data``: the finding says so and the
    # command offers no edit; an initializer that checks first leaves the fix.
    expected = [
        "10:35: RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (initialize_weights() "
        "reads the bias without checking for None: make it check first)",
        "17:35: RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False",
    ]
    assert model_findings(tmp_path, BIAS_READER) == (expected, expected)
    command = redundant_bias("check", "--no-cache", "--output-format", "json", "pkg/model.py", cwd=tmp_path)
    fixes = json.loads(command.stdout)
    assert [(f["location"]["row"], f["fix"] is not None) for f in fixes] == [(10, False), (17, True)]
