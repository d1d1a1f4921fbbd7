"""The import contracts in .importlinter hold, and they catch a new upward import."""

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]


def lint() -> subprocess.CompletedProcess:
    return subprocess.run(
        [*LINT], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def lint_with_probe(path, source: str):
    """Run the linter with a throw-away module at ``path`` holding ``source``; the probe is removed
    whatever happens."""
    path.write_text(source)
    try:
        return lint()
    finally:
        path.unlink()


def test_contracts_are_kept():
    result = lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_a_new_upward_import_breaks_the_layers_contract():
    result = lint_with_probe(
        ROOT / "people" / "_layer_probe.py", "from compliance import models  # noqa: F401\n"
    )
    assert result.returncode != 0
    assert "people._layer_probe -> compliance.models" in result.stdout


def test_no_upward_import_is_excused():
    """The debt list (``ignore_imports``) is empty: every app depends downwards only."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    assert not config.has_option("importlinter:contract:layers", "ignore_imports")


def test_the_checker_package_may_not_reach_up_to_quality():
    """``checking`` sits below the editors: importing ``quality`` from it breaks the layers."""
    result = lint_with_probe(
        ROOT / "checking" / "_layer_probe.py", "from quality import selectors  # noqa: F401\n"
    )
    assert result.returncode != 0
    assert "checking._layer_probe -> quality.selectors" in result.stdout


def test_a_module_of_a_selectors_package_may_not_import_services():
    """``behaviour.selectors`` is a package: its modules are held to the selectors contract too."""
    result = lint_with_probe(
        ROOT / "behaviour" / "selectors" / "_layer_probe.py",
        "from behaviour import services  # noqa: F401\n",
    )
    assert result.returncode != 0
    assert "Selectors never import views or services BROKEN" in result.stdout


def test_a_module_of_a_views_package_is_for_urls_only():
    """behaviour's views are a package (slips, attendance, progress, analysis): importing one of
    its modules from anywhere but a URL configuration breaks the views contract."""
    result = lint_with_probe(
        ROOT / "behaviour" / "_views_probe.py", "from behaviour.views import slips  # noqa: F401\n"
    )
    assert result.returncode != 0
    assert "behaviour._views_probe -> behaviour.views.slips" in result.stdout
