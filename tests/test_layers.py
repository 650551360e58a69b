"""The apps' layering (docs/decisions.md): core ← committees ← units ← branches ← members ←
activities ← meetings ← overview. An app imports only from the apps below it; a model above
is named by its label ("members.Member"), never imported. import-linter reads every module's
imports, function-level ones included; the contract is in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache", "--no-logo"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def test_no_app_imports_an_app_above_it():
    result = lint(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_check_finds_an_import_that_goes_up(tmp_path):
    """The positive control: with the order turned upside down, every real import is upward."""
    config = tmp_path / "upside-down.toml"
    config.write_text(
        '[tool.importlinter]\n'
        'root_packages = ["core", "committees", "units", "branches", "members", "activities",'
        ' "meetings", "overview"]\n'
        '[[tool.importlinter.contracts]]\n'
        'name = "upside down"\ntype = "layers"\n'
        'layers = ["core", "committees", "units", "branches", "members", "activities",'
        ' "meetings", "overview"]\n'
    )
    result = lint(config)
    assert result.returncode == 1
    assert "overview is not allowed to import meetings" in result.stdout
    assert "meetings is not allowed to import activities" in result.stdout
