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


# --- seed sweep, results page, offline kernels (issue 8) ---

from aigc_utils.runner import (  # noqa: E402
    NotebookResult,
    load_published,
    publish_results,
    results_markdown,
    results_name,
    seed_sweep,
    seed_table_markdown,
    seed_table_text,
)


def _result(notebook, seed, checks, error="", device="cpu"):
    rows = [
        {"claim": claim, "value": value, "at_least": at_least, "at_most": None, "baseline": None, "baseline_label": None, "passed": value >= at_least}
        for claim, value, at_least in checks
    ]
    status = "failed" if error or not all(r["passed"] for r in rows) else "passed"
    return NotebookResult(notebook, seed, "quick", status, 1.5, rows, error, f"runs/{notebook}.seed{seed}.ipynb", device)


def test_seed_table_has_one_row_per_check_and_one_column_per_seed():
    results = [
        _result("01_a", 0, [("accuracy", 0.9, 0.8), ("coverage", 10, 10)]),
        _result("01_a", 1, [("accuracy", 0.85, 0.8), ("coverage", 9, 10)]),
        _result("01_a", 2, [("accuracy", 0.95, 0.8)], error="PapermillExecutionError: boom"),
    ]
    rows = seed_sweep(results)
    assert [(r["notebook"], r["claim"], r["holds"]) for r in rows] == [
        ("01_a", "accuracy", True),
        ("01_a", "coverage", False),
        ("01_a", "(notebook run)", False),
    ]
    table = seed_table_markdown(results)
    assert "| notebook | check | bar | seed 0 | seed 1 | seed 2 | holds on all seeds |" in table
    assert "| 01_a | accuracy | >= 0.8 | 0.9 ok | 0.85 ok | 0.95 ok | yes |" in table
    assert "| 01_a | coverage | >= 10 | 10 ok | 9 FAIL | missing | **NO** |" in table
    assert "| 01_a | (notebook run) | no error | ok | ok | error | **NO** |" in table
    text = seed_table_text(results)
    assert text.splitlines()[0].split() == ["notebook", "check", "bar", "seed", "0", "seed", "1", "seed", "2", "all", "seeds"]
    assert "3 checks, 1 hold on every seed, 2 do not" in text
    with pytest.raises(TypeError, match="results"):
        seed_sweep([{"notebook": "01_a"}])


def test_seed_table_shows_the_bar_per_seed_when_it_varies():
    results = [_result("02_b", 0, [("gain", 0.5, 0.4)]), _result("02_b", 1, [("gain", 0.5, 0.45)])]
    assert "| 02_b | gain | varies | 0.5 ok (>= 0.4) | 0.5 ok (>= 0.45) | yes |" in seed_table_markdown(results)


def test_runner_prints_the_seed_sweep(notebooks, tmp_path, capsys):
    assert main(["--notebooks-dir", str(notebooks), "--output-dir", str(tmp_path), "--only", "01", "--seeds", "0,1,2"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("01_good") and line.endswith("holds"))
    assert row.split()[-7:] == ["[0,", "2]", "0", "ok", "1", "ok", "2", "ok", "holds"][-7:]
    assert "## Seed sweep" in (tmp_path / "summary.md").read_text()


def test_publish_writes_and_merges_the_results_page(tmp_path):
    first = [_result("01_a", 0, [("accuracy", 0.9, 0.8)]), _result("02_b", 0, [("gain", 0.1, 0.4)])]
    md, js = publish_results(first, "quick", tmp_path, command="aigc-run --publish")
    assert (md.name, js.name) == ("quick_cpu.md", "quick_cpu.json")
    record = load_published(js)
    assert [r["notebook"] for r in record["runs"]] == ["01_a", "02_b"] and record["machine"]["cpu_cores"] >= 1
    page = md.read_text()
    assert page.startswith("# Whole-course results: quick profile, CPU")
    assert "2 notebooks, 2 runs: 1 passed, 1 failed" in page and "| 02_b | 0 | quick | failed |" in page
    publish_results([_result("02_b", 0, [("gain", 0.5, 0.4)])], "quick", tmp_path, command="aigc-run --only 02 --publish")
    runs = load_published(js)["runs"]
    assert [(r["notebook"], r["status"]) for r in runs] == [("01_a", "passed"), ("02_b", "passed")], "02 replaced, 01 kept"
    assert load_published(js)["commands"] == ["aigc-run --publish", "aigc-run --only 02 --publish"], "a mixed page names both runs"
    assert "`aigc-run --publish`, then `aigc-run --only 02 --publish`" in md.read_text()
    publish_results(first, "quick", tmp_path, command="aigc-run --publish")
    assert load_published(js)["commands"] == ["aigc-run --publish"], "a run that replaces every row starts the history again"
    assert results_markdown(load_published(js)) == md.read_text()
    assert results_name("full", [_result("01_a", 0, [], device="cuda")]) == "full_gpu"
    with pytest.raises(ValueError, match="results"):
        publish_results([], "quick", tmp_path)
    with pytest.raises(ValueError, match="profile"):
        results_name("slow", first)
    with pytest.raises(ValueError, match="record"):
        results_markdown({"runs": None})


def test_runner_publish_flag(notebooks, tmp_path):
    results_dir = tmp_path / "results"
    argv = ["--notebooks-dir", str(notebooks), "--output-dir", str(tmp_path), "--only", "01", "--publish", "--results-dir", str(results_dir)]
    assert main(argv) == 0
    record = load_published(results_dir / "quick_cpu.json")
    assert record["runs"][0]["notebook"] == "01_good" and record["runs"][0]["device"] == "cpu"
    assert not any(r["output"].startswith("/") for r in record["runs"]), "no absolute paths in a committed file"
    assert "01_good" in (results_dir / "quick_cpu.md").read_text()
    assert record["command"] == "aigc-run --profile quick --only 01 --publish"


@pytest.fixture(scope="module")
def network_notebooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("network")
    _write(
        folder / "01_network.ipynb",
        "import socket\nsocket.create_connection(('203.0.113.1', 80), timeout=0.5)",
    )
    _write(
        folder / "02_guard_state.ipynb",
        "from aigc_utils import check\nfrom aigc_utils.offline import is_installed\n"
        "check('offline guard active in the kernel', float(is_installed()), at_least=1)",
    )
    return folder


def test_runner_kernels_are_offline_by_default(network_notebooks, tmp_path):
    assert main(["--notebooks-dir", str(network_notebooks), "--output-dir", str(tmp_path)]) == 1
    first, second = json.loads((tmp_path / "summary.json").read_text())
    assert first["status"] == "failed"
    assert "NetworkBlockedError" in first["error"] and "203.0.113.1" in first["error"], first["error"]
    assert second["status"] == "passed", "the guard is installed in the kernel"


def test_runner_allow_network_turns_the_guard_off(network_notebooks, tmp_path):
    main(["--notebooks-dir", str(network_notebooks), "--output-dir", str(tmp_path), "--only", "02", "--allow-network"])
    (run,) = json.loads((tmp_path / "summary.json").read_text())
    assert run["status"] == "failed" and run["checks"][0]["value"] == 0.0, "no guard in the kernel with --allow-network"
