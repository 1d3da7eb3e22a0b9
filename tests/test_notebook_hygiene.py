"""Every committed notebook follows the course's rules (see DEVELOPERS.md and the README)."""

import ast
import json
import re

import pytest

from aigc_utils.check import checks_from_notebook, run_record_from_notebook
from aigc_utils.report import notebook_titles
from notebook_files import NOTEBOOKS, assigned_names, read, tagged

MAX_OUTPUT_BYTES = 300_000
MAX_NOTEBOOK_BYTES = 2_000_000
REQUIRED_HEADINGS = [
    "## What you will learn",
    "## Results",
    "## 60-second interview answer",
    "## Common wrong answers",
    "## Exercises",
]
ABSOLUTE_PATH = re.compile(r"(?<![\w.])(/work/|/home/|/root/|/tmp/|/Users/|[A-Z]:\\\\)")
DOWNLOADS = re.compile(
    r"fetch_[a-z0-9_]+\(|load_dataset\(|hf_hub_download|snapshot_download|urlretrieve|requests\.get|"
    r"urllib\.request|download\s*=\s*True|from_pretrained\(\s*[\"'][\w.-]+/[\w.-]+[\"']|https?://\S+\.(?:zip|tar|gz|pt|bin)"
)
SHELL_INSTALL = re.compile(r"^\s*[%!]\s*(pip|conda|apt)", re.MULTILINE)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestNotebook:
    def test_name_and_title(self, path):
        assert re.fullmatch(r"(0[1-9]|[12][0-9]|30)_[a-z0-9_]+\.ipynb", path.name)
        nb = read(path)
        first = nb.cells[0]
        assert first.cell_type == "markdown"
        assert first.source.splitlines()[0] == f"# {path.name[:2]} · {notebook_titles()[path.name[:2]]}"
        assert nb.metadata.kernelspec.name == "python3"

    def test_parameters_cell(self, path):
        cells = tagged(read(path), "parameters")
        assert len(cells) == 1, "exactly one cell tagged 'parameters'"
        assert {"profile", "seed"} <= assigned_names(cells[0].source)

    def test_sections(self, path):
        markdown = "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown")
        for heading in REQUIRED_HEADINGS:
            assert heading in markdown, f"missing section {heading!r}"

    def test_committed_outputs_are_from_a_quick_run(self, path):
        nb = read(path)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count is not None for c in code), "every code cell was executed"
        counts = [c.execution_count for c in code]
        assert counts == sorted(counts), "cells were executed top to bottom in one run"
        checks = checks_from_notebook(nb)
        assert checks and all(c.passed for c in checks), "the committed run recorded passing checks"
        run = run_record_from_notebook(nb)
        assert run is not None and run["profile"] == "quick", "the committed outputs come from a quick run"
        assert not any(o.get("output_type") == "error" for c in code for o in c.outputs)

    def test_outputs_are_small_and_widget_free(self, path):
        nb = read(path)
        assert "widgets" not in nb.metadata
        assert path.stat().st_size <= MAX_NOTEBOOK_BYTES
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                size = len(json.dumps(output))
                assert size <= MAX_OUTPUT_BYTES, f"an output of {size} bytes"
                assert "application/vnd.jupyter.widget-view+json" not in output.get("data", {})

    def test_no_absolute_paths_downloads_or_installs(self, path):
        text = path.read_text(encoding="utf-8")
        assert not ABSOLUTE_PATH.search(text), f"absolute path: {ABSOLUTE_PATH.search(text).group(0)}"
        for cell in read(path).cells:
            if cell.cell_type == "code":
                assert not DOWNLOADS.search(cell.source), f"download: {DOWNLOADS.search(cell.source).group(0)}"
                assert not SHELL_INSTALL.search(cell.source), "no %pip/!pip cells: dependencies live in pyproject.toml"

    def test_no_stubs(self, path):
        for cell in read(path).cells:
            if cell.cell_type == "code":
                tree = ast.parse(cell.source)
                assert not any(isinstance(n, ast.Pass) for n in ast.walk(tree)), "no `pass` in a notebook"
                assert "TODO" not in cell.source and "NotImplemented" not in cell.source

    def test_exercises_have_hidden_solutions_that_assert(self, path):
        solutions = tagged(read(path), "solution")
        assert 2 <= len(solutions) <= 4, "2-3 exercises, each with a solution cell"
        for cell in solutions:
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, "solutions are collapsed"
            assert any(isinstance(n, ast.Assert) for n in ast.walk(ast.parse(cell.source))), "solutions self-check"
