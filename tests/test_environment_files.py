"""environment.yml (conda) and pyproject.toml (pip) list the same dependencies."""

import re

import yaml
from packaging.requirements import Requirement

from notebook_files import REPO_ROOT, pyproject_dependencies


def _environment() -> dict[str, Requirement]:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {Requirement(r).name.lower(): Requirement(r) for r in pip if not r.startswith("-e")}


def test_same_dependency_names():
    assert set(pyproject_dependencies()) == set(_environment())


def test_environment_versions_satisfy_pyproject_bounds():
    pyproject, environment = pyproject_dependencies(), _environment()
    for name, requirement in environment.items():
        for spec in requirement.specifier:
            version = spec.version
            if spec.operator in ("==", ">="):
                assert pyproject[name].specifier.contains(version), f"{name} {version} outside {pyproject[name]}"


def test_torch_pair_is_pinned_the_same_everywhere():
    setup = (REPO_ROOT / "scripts" / "setup.sh").read_text()
    readme = (REPO_ROOT / "README.md").read_text()
    environment = _environment()
    for name in ("torch", "torchvision"):
        pin = str(environment[name])
        assert pin in setup and pin in readme, f"{pin} must appear in setup.sh and README.md"
    assert re.search(r"requires-python\s*=\s*\">=3.11\"", (REPO_ROOT / "pyproject.toml").read_text())


def test_ci_runs_exactly_the_test_command():
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "exec bash scripts/test.sh" in ci
    assert "bash scripts/test.sh" in (REPO_ROOT / "README.md").read_text()
