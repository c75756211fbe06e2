"""The pre-commit hooks (.pre-commit-hooks.yaml), tried with `pre-commit try-repo`.

The repository is copied as its working tree stands now (uncommitted and
untracked files included, .gitignore'd ones left out) into a fresh git
repository with one commit, and that clone is tried from a second, tiny git
repository holding one model file. pre-commit builds a virtualenv and
pip-installs the clone into it for every try-repo run (try-repo keeps its store
in a temporary folder), so this needs the package registry that pip is
configured with, and takes some seconds per run.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from checkout import ROOT, copy_tree
from readme import block

pytest.importorskip("pre_commit")
yaml = pytest.importorskip("yaml")  # a dependency of pre-commit
if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

MANIFEST = ROOT / ".pre-commit-hooks.yaml"
TIMEOUT = 600

CHECK_ENTRY = "redundant-bias check"
FIX_ENTRY = "redundant-bias check --fix --unsafe-fixes"

MODEL = "import torch.nn as nn\nblock = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))\n"
FIXED = "import torch.nn as nn\nblock = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8))\n"

# Set when git runs a hook; they would point our git commands at the wrong repository.
GIT_REPO_VARIABLES = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX",
)


def _env(pre_commit_home):
    # try-repo keeps its store in a temporary folder of its own; PRE_COMMIT_HOME
    # still decides where pre-commit writes its log on an error. The rest of the
    # environment (PIP_* settings, proxies, PATH) is passed on: pre-commit's pip
    # install must use this machine's package index.
    env = {key: value for key, value in os.environ.items() if key not in GIT_REPO_VARIABLES}
    env["PRE_COMMIT_HOME"] = str(pre_commit_home)
    return env


def _git(cwd, env, *args):
    subprocess.run(
        ["git", "-c", "user.name=flake8-redundant-bias tests", "-c", "user.email=tests@example.invalid",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, env=env, check=True, capture_output=True, timeout=TIMEOUT,
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """A git clone of the working tree as it stands, and the environment to run pre-commit in."""
    env = _env(tmp_path_factory.mktemp("pre-commit-home"))
    clone = tmp_path_factory.mktemp("clone") / "flake8-redundant-bias"
    copy_tree(clone)
    _git(clone, env, "init", "-q")
    _git(clone, env, "add", "-A")
    _git(clone, env, "commit", "-q", "--no-verify", "-m", "working tree")
    return clone, env


def _try_repo(clone, hook_id, cwd, env):
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(clone), hook_id, "--all-files", "--color=never"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT,
    )
    return result.returncode, result.stdout + result.stderr


def _status(hook_name, output):
    """pre-commit's one-line verdict for the hook: Passed, Failed or Skipped."""
    verdicts = re.findall(rf"^{re.escape(hook_name)}\.+(\w+)$", output, flags=re.MULTILINE)
    assert len(verdicts) == 1, output
    return verdicts[0]


def test_manifest_lists_the_two_hooks():
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["redundant-bias", "redundant-bias-fix"]
    check, fix = hooks
    assert check["name"] == "redundant-bias"
    assert check["entry"] == CHECK_ENTRY
    assert fix["name"] == "redundant-bias-fix"
    assert fix["entry"] == FIX_ENTRY
    assert "strict=True" in fix["description"]
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["types"] == ["python"]
        assert hook["require_serial"] is False


def test_manifest_is_valid_for_pre_commit():
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_try_repo_finds_then_fixes(hook_repo, tmp_path):
    clone, env = hook_repo
    project = tmp_path / "project"
    project.mkdir()
    _git(project, env, "init", "-q")
    (project / "model.py").write_text(MODEL, encoding="utf-8")
    _git(project, env, "add", "model.py")

    status, output = _try_repo(clone, "redundant-bias", project, env)
    assert status == 1, output
    assert _status("redundant-bias", output) == "Failed"
    assert "- exit code: 1" in output, output
    assert "model.py:2:23: RB101 " in output, output
    assert (project / "model.py").read_text(encoding="utf-8") == MODEL

    status, output = _try_repo(clone, "redundant-bias-fix", project, env)
    assert status == 1, output  # pre-commit fails a hook that modified files
    assert _status("redundant-bias-fix", output) == "Failed"
    assert "- exit code:" not in output, output  # the command itself succeeded
    assert "files were modified by this hook" in output, output
    assert (project / "model.py").read_text(encoding="utf-8") == FIXED

    status, output = _try_repo(clone, "redundant-bias", project, env)
    assert status == 0, output
    assert _status("redundant-bias", output) == "Passed"
    assert "RB101" not in output, output


def _run(project, env, config):
    """``pre-commit run --all-files`` in ``project`` with this ``.pre-commit-config.yaml``."""
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(project, env, "add", "-A")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color=never"],
        cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT,
    )
    return result.returncode, result.stdout + result.stderr


def _project(tmp_path, env):
    project = tmp_path / "project"
    project.mkdir()
    _git(project, env, "init", "-q")
    (project / "model.py").write_text(MODEL, encoding="utf-8")
    return project


def test_the_readmes_config_with_a_commit_as_rev(hook_repo, tmp_path):
    """No release tag needed: the README's config, pointed at the clone and one of its commits."""
    clone, env = hook_repo
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    config = block("# .pre-commit-config.yaml")
    config = re.sub(r"repo: \S+", f"repo: {clone}", config)
    config = re.sub(r"rev: [0-9a-f]{40}", f"rev: {sha}", config)
    assert f"rev: {sha}" in config and f"repo: {clone}" in config
    env = {**env, "PRE_COMMIT_HOME": str(tmp_path / "store")}  # run keeps a store: a fresh one
    status, output = _run(_project(tmp_path, env), env, config)
    assert status == 1 and _status("redundant-bias", output) == "Failed", output
    assert "model.py:2:23: RB101 " in output, output


def test_the_readmes_local_hook_runs_the_installed_command(tmp_path):
    env = _env(tmp_path / "store")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])  # where pip put the script
    project = _project(tmp_path, env)
    status, output = _run(project, env, block("# .pre-commit-config.yaml, with the package installed where pre-commit runs"))
    assert status == 1 and _status("redundant-bias", output) == "Failed", output
    assert "model.py:2:23: RB101 " in output, output
    (project / "model.py").write_text(FIXED, encoding="utf-8")
    status, output = _run(project, env, block("# .pre-commit-config.yaml, with the package installed where pre-commit runs"))
    assert status == 0 and _status("redundant-bias", output) == "Passed", output
