"""The runner executes notebooks with papermill and summarises their checks."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from aigc_utils.runner import build_parser, find_notebooks, main, summary_markdown

PARAMETERS = 'profile = "auto"\nseed = 0'


def _write(path, *code):
    cells = [new_markdown_cell("# test")]
    cells.append(new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}))
    cells += [new_code_cell(c) for c in code]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    _write(
        folder / "01_good.ipynb",
        "from aigc_utils import start, check\nrun = start(profile, seed)",
        "check('seed is known', seed, at_least=0, at_most=2)",
        "run.results_table()",
    )
    _write(folder / "02_bad.ipynb", "from aigc_utils import check\ncheck('always fails', 1.0, at_least=2.0)")
    return folder


def test_find_notebooks_and_only(notebooks):
    assert [p.name for p in find_notebooks(notebooks)] == ["01_good.ipynb", "02_bad.ipynb"]
    assert [p.name for p in find_notebooks(notebooks, ["2"])] == ["02_bad.ipynb"]
    with pytest.raises(ValueError, match="do not exist"):
        find_notebooks(notebooks, ["07"])
    with pytest.raises(ValueError, match="--only"):
        find_notebooks(notebooks, ["x1"])


def test_runner_reports_checks_and_fails_on_a_failing_notebook(notebooks, tmp_path, capsys):
    status = main(["--notebooks-dir", str(notebooks), "--output-dir", str(tmp_path), "--seeds", "0,1"])
    assert status == 1
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [(r["notebook"], r["seed"], r["status"]) for r in summary] == [
        ("01_good", 0, "passed"),
        ("02_bad", 0, "failed"),
        ("01_good", 1, "passed"),
        ("02_bad", 1, "failed"),
    ]
    good = summary[0]
    assert good["checks"][0]["claim"] == "seed is known" and good["checks"][0]["value"] == 0.0
    assert summary[3]["checks"][0]["passed"] is False and "AssertionError" in summary[3]["error"]
    assert "| 01_good | 1 | quick | passed |" in (tmp_path / "summary.md").read_text()
    assert (tmp_path / "01_good.seed1.ipynb").exists()
    assert "always fails" in capsys.readouterr().out
    assert (notebooks / "01_good.ipynb").read_text().count('"outputs": []') >= 1, "sources untouched"


def test_runner_in_place_refreshes_outputs_without_run_metadata(notebooks, tmp_path):
    target = tmp_path / "nb"
    target.mkdir()
    (target / "01_good.ipynb").write_text((notebooks / "01_good.ipynb").read_text())
    assert main(["--notebooks-dir", str(target), "--output-dir", str(tmp_path / "out"), "--in-place"]) == 0
    nb = nbformat.read(target / "01_good.ipynb", as_version=4)
    assert "papermill" not in nb.metadata
    assert all("execution" not in c.metadata for c in nb.cells)
    assert nb.cells[-1].outputs, "outputs were written into the source"
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_runner_rejects_bad_arguments(notebooks, capsys):
    assert main(["--notebooks-dir", str(notebooks), "--only", "09"]) == 2
    assert main(["--notebooks-dir", str(notebooks), "--in-place", "--seeds", "1,2"]) == 2
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--seeds", "a,b"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--profile", "slow"])


def test_summary_markdown_counts_failures():
    assert "0 runs, 0 failed" in summary_markdown([])
