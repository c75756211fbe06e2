"""How much flake8-redundant-bias adds to a flake8 run, on real code; and how it scales.

    python benchmarks/bench.py                 # pinned corpus (~590k lines), 3 A/B pairs
    python benchmarks/bench.py --quick         # torchvision only (~60k lines)
    python benchmarks/bench.py --dense         # timm's models/ and layers/: the densest framework code
    python benchmarks/bench.py --scaling       # generated modules of 1k, 10k, 100k lines
    python benchmarks/bench.py --peers         # also flake8-bugbear and torchfix, side by side
    python benchmarks/bench.py --command       # the redundant-bias command, cold and warm cache, next to flake8 --select RB

The corpus is fetched from the package registry (``pip download --no-deps`` of
pinned wheels) into benchmarks/corpus/, once.  Whole-run timings are medians of
interleaved runs (A B A B ...), each ``flake8 --jobs 1`` in a subprocess with
only the plugins under test enabled (benchmarks/flake8_with.py).  The plugin's
share of flake8's CPU is measured inside each run with it (its import and
every ``Plugin.run``, against the process's whole CPU time, the plugin
byte-compiled first as an install leaves it), so that a machine whose speed
drifts between runs cannot distort it.  The plugin's cost per file is also
measured in-process on pre-parsed trees against ``ast.parse`` of the same
files; that pass runs the plugin in strict mode over every file and counts
internal errors.
"""

from __future__ import annotations

import argparse
import ast
import compileall
import json
import os
import shutil
import statistics
import sysconfig
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
PINNED = {
    "timm": "1.0.31",
    # 0.29.1: the newest release a fresh machine here may install (pip caps torchvision<=0.29.1).
    "torchvision": "0.29.1",
    "monai": "1.6.1",
    "kornia": "0.9.0",
    "ultralytics": "8.4.190",
    "segmentation-models-pytorch": "0.6.0",
}
QUICK = ("torchvision",)
DENSE = ("timm", ("models", "layers"))  # the folders of one package where nearly every file builds a model
PLUGIN = "flake8-redundant-bias"
PEERS = {"flake8-bugbear": "flake8-bugbear", "torchfix": "TorchFix"}


# ---------------------------------------------------------------- corpus

def fetch(packages: list[str]) -> list[Path]:
    roots = []
    wheels = CORPUS / "wheels"
    for package in packages:
        root = CORPUS / package
        if not root.exists():
            wheels.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                 "--dest", str(wheels), f"{package}=={PINNED[package]}"],
                check=True,
            )
            prefix = package.replace("-", "_") + "-" + PINNED[package]
            wheel = next(wheels.glob(f"{prefix}-*.whl"))
            with zipfile.ZipFile(wheel) as archive:
                for member in archive.namelist():
                    if member.endswith(".py"):
                        archive.extract(member, root)
        roots.append(root)
    return roots


def python_files(roots: list[Path]) -> list[Path]:
    return sorted(path for root in roots for path in root.rglob("*.py"))


# ---------------------------------------------------------------- whole runs

SHARES: list[float] = []  # the plugin's share of each flake8 run's CPU, measured inside that run
COLLECTIONS: dict[str, list[float]] = {}  # per configuration: the garbage collector's share of each run's CPU
IMPORTS: list[dict[str, float]] = []  # per run: reading and parsing the project's other modules


def flake8_seconds(plugins: str, roots: list[Path]) -> float:
    command = [sys.executable, str(HERE / "flake8_with.py"), plugins, "--", "--isolated", "--jobs", "1", "--exit-zero"]
    env = _quiet_env()
    report, collections = CORPUS / "plugin-cpu.json", CORPUS / "gc-cpu.json"
    if plugins == PLUGIN:
        env["FLAKE8_WITH_PLUGIN_CPU"] = str(report)
    env["FLAKE8_WITH_GC_CPU"] = str(collections)
    start = time.perf_counter()
    subprocess.run(command + [str(root) for root in roots], check=True, stdout=subprocess.DEVNULL, env=env)
    seconds = time.perf_counter() - start
    collected = json.loads(collections.read_text(encoding="utf-8"))
    COLLECTIONS.setdefault(plugins, []).append(collected["gc"] / collected["total"])
    if plugins == PLUGIN:
        spent = json.loads(report.read_text(encoding="utf-8"))
        SHARES.append(spent["plugin"] / spent["total"])
        IMPORTS.append({**spent["imports"], "share": spent["imports"]["seconds"] / spent["total"]})
    return seconds


def byte_compile_plugin() -> None:
    """As an install does: a flake8 run must not pay for compiling the plugin's source."""
    import flake8_redundant_bias

    # force: a checkout within the second of an earlier compile keeps a stale .pyc of the same size
    compileall.compile_dir(str(Path(flake8_redundant_bias.__file__).parent), quiet=1, force=True)


def _quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FLAKE8_REDUNDANT_BIAS_STRICT", None)
    return env


def interleaved(configs: dict[str, str], roots: list[Path], pairs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in configs}
    for _ in range(pairs):
        for name, plugins in configs.items():
            times[name].append(flake8_seconds(plugins, roots))
    for name, values in times.items():  # the spread, so that noise can be told from a cost
        print(f"  runs of {name}: {', '.join(f'{v:.2f}' for v in values)} s")
    return {name: statistics.median(values) for name, values in times.items()}


# ---------------------------------------------------------------- the command

def command_timings(roots: list[Path], pairs: int) -> None:
    """``redundant-bias check`` with an empty cache and with a warm one, next to ``flake8 --select RB``
    (flake8 with this plugin only, so it still pays pycodestyle and pyflakes), one process and all cores."""
    script = Path(sys.executable).with_name("redundant-bias")
    paths = [str(root) for root in roots]
    cores = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        for jobs in dict.fromkeys(("1", cores)):
            flake8_run = [sys.executable, str(HERE / "flake8_with.py"), PLUGIN, "--", "--isolated", "--select", "RB",
                          "--jobs", jobs, "--exit-zero", *paths]
            # The corpus sits in a folder this repository's .gitignore names: walk it all the same.
            ours = [str(script), "check", "--isolated", "--exit-zero", "--no-respect-gitignore", "--jobs", jobs,
                    "--cache-dir", str(cache), *paths]
            times: dict[str, list[float]] = {"flake8 --select RB": [], "redundant-bias, cold cache": [],
                                             "redundant-bias, warm cache": []}
            counts: dict[str, int] = {}
            for _ in range(pairs):
                shutil.rmtree(cache, ignore_errors=True)
                for name, command in zip(times, (flake8_run, ours, ours)):
                    start = time.perf_counter()
                    done = subprocess.run(command, capture_output=True, text=True, env=_quiet_env(), check=True)
                    times[name].append(time.perf_counter() - start)
                    counts[name] = sum(1 for line in done.stdout.splitlines() if ": RB" in line)
            base = statistics.median(times["flake8 --select RB"])
            print(f"\n--jobs {jobs}, medians of {pairs} runs (findings: "
                  f"{', '.join(f'{name} {count}' for name, count in counts.items())}):")
            for name, values in times.items():
                median = statistics.median(values)
                print(f"  {name:<28} {median:8.2f} s   {median / base:6.3f}x   (runs: {', '.join(f'{v:.2f}' for v in values)})")


# ---------------------------------------------------------------- in process

def in_process(files: list[Path]) -> dict[str, float]:
    os.environ["FLAKE8_REDUNDANT_BIAS_STRICT"] = "1"
    from flake8_redundant_bias import containment
    from flake8_redundant_bias.model.gates import framework_roots
    from flake8_redundant_bias.adapters.flake8 import Plugin

    containment.STRICT = True
    totals = {"lines": 0, "framework lines": 0, "parse": 0.0, "parse framework": 0.0,
              "plugin": 0.0, "plugin framework": 0.0, "errors": 0, "files": 0, "findings": 0}
    for path in files:
        source = path.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                parse = _best(lambda source=source: ast.parse(source))
                tree = ast.parse(source)
            except (SyntaxError, ValueError):
                continue
        try:
            lines = source.decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            continue  # a file in another encoding: flake8 decodes it; ast.parse did above
        try:
            # The first run is the one flake8 pays for: caches start empty.
            start = time.process_time()
            findings = list(Plugin(tree, lines, str(path)).run())
            cost = time.process_time() - start
        except Exception as error:  # noqa: BLE001 - counted and shown, never hidden
            totals["errors"] += 1
            print(f"  internal error on {path}: {error!r}", file=sys.stderr)
            continue
        framework = bool(framework_roots("".join(lines), Plugin.config.roots))
        totals["files"] += 1
        totals["findings"] += len(findings)
        totals["lines"] += len(lines)
        totals["parse"] += parse
        totals["plugin"] += cost
        if framework:
            totals["framework lines"] += len(lines)
            totals["parse framework"] += parse
            totals["plugin framework"] += cost
    return totals


def _best(action, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


# ---------------------------------------------------------------- scaling

BLOCK = '''
class Block{i}(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn = nn.BatchNorm2d(channels)
        self.head = nn.Sequential(nn.Linear(channels, channels), nn.ReLU(), nn.Linear(channels, 10))
        layers = [nn.Conv2d(channels, channels, 1, bias=False)]
        layers.append(nn.BatchNorm2d(channels))
        self.proj = nn.Sequential(*layers)

    def forward(self, x):
        x = self.bn(self.conv(x))
        return self.head(self.proj(x).mean((2, 3)))


def train{i}(model, args):
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    return optimizer
'''


def generated_module(lines: int) -> str:
    header = "import torch\nimport torch.nn as nn\n"
    per_block = BLOCK.count("\n")
    return header + "".join(BLOCK.format(i=i) for i in range(max(1, lines // per_block)))


def scaling() -> None:
    from flake8_redundant_bias.adapters.flake8 import Plugin

    print("\nscaling: one generated module of model code")
    print(f"{'lines':>8} {'findings':>9} {'plugin s':>9} {'ms / 1k lines':>14} {'ast.parse s':>12} {'peak MiB':>9}")
    for size in (1_000, 10_000, 100_000):
        source = generated_module(size)
        tree = ast.parse(source)
        lines = source.splitlines(keepends=True)
        seconds = _best(lambda tree=tree, lines=lines: list(Plugin(tree, lines).run()))
        parse = _best(lambda source=source: ast.parse(source))
        tracemalloc.start()
        findings = list(Plugin(tree, lines).run())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{len(lines):>8} {len(findings):>9} {seconds:>9.3f} {1000 * seconds / len(lines) * 1000:>14.2f} "
              f"{parse:>12.3f} {peak / 2**20:>9.1f}")


# ---------------------------------------------------------------- report

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="torchvision only (~60k lines)")
    parser.add_argument("--dense", action="store_true", help="timm's models/ and layers/ only (~120k lines)")
    parser.add_argument("--pairs", type=int, default=3, help="interleaved A/B pairs (default 3)")
    parser.add_argument("--peers", action="store_true", help="also time flake8-bugbear and torchfix")
    parser.add_argument("--peer-pairs", type=int, default=1, help="runs of each peer (default 1)")
    parser.add_argument("--scaling", action="store_true", help="only the generated-module scaling series")
    parser.add_argument("--command", action="store_true",
                        help="only the redundant-bias command, cold and warm cache, next to flake8 --select RB")
    args = parser.parse_args()
    if args.pairs < 1 or args.peer_pairs < 1:
        parser.error("--pairs and --peer-pairs must be at least 1")

    if args.scaling:
        scaling()
        return 0
    roots = fetch(list(QUICK if args.quick else (DENSE[0],) if args.dense else PINNED))
    print(f"corpus: {', '.join(f'{r.name} {PINNED[r.name]}' for r in roots)}")
    if args.dense:
        roots = [roots[0] / DENSE[0] / folder for folder in DENSE[1]]
        print(f"  only {', '.join(str(root.relative_to(CORPUS)) for root in roots)}")
    files = python_files(roots)
    if args.command:
        byte_compile_plugin()
        command_timings(roots, args.pairs)
        return 0

    totals = in_process(files)
    lines = totals["lines"]
    other_lines = lines - totals["framework lines"]
    print(f"files: {totals['files']} parsed ({len(files)} .py), lines: {lines}, "
          f"findings: {totals['findings']}, internal errors: {totals['errors']}")
    print(f"plugin in process: {1000 * totals['plugin'] / lines * 1000:.2f} ms per 1k lines overall")
    if totals["framework lines"]:
        print(f"  framework files ({totals['framework lines']} lines): "
              f"{1000 * totals['plugin framework'] / totals['framework lines'] * 1000:.2f} ms per 1k lines, "
              f"{totals['plugin framework'] / totals['parse framework']:.1%} of their ast.parse time")
    if other_lines:
        other_plugin = totals["plugin"] - totals["plugin framework"]
        other_parse = totals["parse"] - totals["parse framework"]
        print(f"  files importing no framework ({other_lines} lines): "
              f"{1000 * other_plugin / other_lines * 1000:.3f} ms per 1k lines, "
              f"{other_plugin / other_parse:.2%} of their ast.parse time")

    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py"))
    stdlib = [path for path in stdlib if "site-packages" not in path.parts and "test" not in path.parts]
    plain = in_process(stdlib)
    others = plain["lines"] - plain["framework lines"]
    print(f"  standard library, files importing no framework ({others} lines): "
          f"{(plain['plugin'] - plain['plugin framework']) / (plain['parse'] - plain['parse framework']):.2%} "
          f"of their ast.parse time; internal errors: {plain['errors']}")

    byte_compile_plugin()
    configs = {"flake8 alone": "none", f"flake8 + {PLUGIN}": PLUGIN}
    medians = interleaved(configs, roots, args.pairs)
    base = medians["flake8 alone"]
    if args.peers:
        for name, package in PEERS.items():
            peer = interleaved({"flake8 alone": "none", name: package}, roots, args.peer_pairs)
            medians[f"flake8 + {name}"] = peer[name] * base / peer["flake8 alone"]
    print(f"\nflake8 --jobs 1 over {lines} lines, medians of interleaved runs ({args.pairs} pairs):")
    print(f"  plugin's share of flake8's CPU, inside each run (import and every Plugin.run): "
          f"{statistics.median(SHARES):.2%} (runs: {', '.join(f'{share:.2%}' for share in SHARES)})")
    imports = IMPORTS[len(IMPORTS) // 2]
    looked_up = imports["parsed"] + imports["cached"]
    print(f"    of which reading and parsing the project's other modules: "
          f"{statistics.median(i['share'] for i in IMPORTS):.2%} of flake8's CPU; "
          f"{imports['parsed']:.0f} modules parsed, {imports['cached']:.0f} answers from the cache "
          f"(hit rate {imports['cached'] / looked_up if looked_up else 0:.1%}), "
          f"{imports['missing']:.0f} candidate paths absent")
    alone, with_plugin = (COLLECTIONS.get(key, [0.0]) for key in ("none", PLUGIN))
    print(f"  garbage collections, share of each run's CPU: {statistics.median(alone):.2%} with flake8 alone, "
          f"{statistics.median(with_plugin):.2%} with the plugin (its objects kept between files are traversed by "
          f"each full collection, outside its own calls)")
    for name, seconds in medians.items():
        print(f"  {name:<32} {seconds:8.2f} s   {seconds / base:6.3f}x")
    if args.peers:
        print("  (peers: each timed against its own interleaved flake8-alone runs, scaled to the first)")
    return 1 if totals["errors"] or plain["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
