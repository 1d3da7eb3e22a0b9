"""Helpers for the tests: find and read the course notebooks and the project files."""

from __future__ import annotations

import ast
from pathlib import Path

import tomllib

import nbformat
from packaging.requirements import Requirement

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def tagged(nb: nbformat.NotebookNode, tag: str) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]


def assigned_names(source: str) -> set[str]:
    return {t.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}


def pyproject_dependencies() -> dict[str, Requirement]:
    """``{name: requirement}`` of pyproject.toml's dependencies (names lower-cased)."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    return {Requirement(r).name.lower(): Requirement(r) for r in project["dependencies"]}
