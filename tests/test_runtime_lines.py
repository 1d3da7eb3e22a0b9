"""The run-time line every notebook opens with (issue 8): the tool, and the check the lead enables.

``python -m aigc_utils.report --runtime-lines`` writes, right after each
notebook's title, "Run time: quick ~N s on 2 CPU cores · full ~M s on one GPU"
from the committed results pages (``data/results/*.json``, written by
``aigc-run --publish``). The tool is tested here on temporary copies.

LEAD: once all 30 notebooks exist and ``data/results/quick_cpu.json`` is
committed, run the tool on notebooks/ and set ``RUNTIME_LINES_REQUIRED = True``
so that a missing or stale line fails the tests.
"""

import json
import shutil

import nbformat
import pytest

from aigc_utils.report import (
    RUNTIME_MARK,
    measured_run_times,
    notebook_titles,
    runtime_line,
    update_runtime_lines,
    with_runtime_line,
)
from notebook_files import NOTEBOOKS, REPO_ROOT

RUNTIME_LINES_REQUIRED = True  # every notebook states its measured run time (data/results)


def _publish(folder, name, seconds, cores=2):
    runs = [
        {"notebook": f"{number}_x", "seed": seed, "profile": name.split("_")[0], "status": "passed", "seconds": s + seed, "checks": []}
        for number, s in seconds.items()
        for seed in (0, 1, 2)
    ]
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps({"name": name, "machine": {"cpu_cores": cores}, "runs": runs}))


@pytest.fixture
def copies(tmp_path):
    """Two committed notebooks copied to a temporary folder (the sources are never touched)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for path in NOTEBOOKS[:2]:
        shutil.copy(path, folder / path.name)
    return folder


def test_runtime_line_wording():
    assert runtime_line(41.4, 118.0) == f"Run time: quick ~40 s on 2 CPU cores · full ~120 s on one GPU {RUNTIME_MARK}"
    assert runtime_line(1.0, None, cpu_cores=4) == (
        f"Run time: quick ~5 s on 4 CPU cores · full profile not yet timed on a GPU {RUNTIME_MARK}"
    )
    assert "quick profile not yet timed" in runtime_line(None, None)
    with pytest.raises(TypeError, match="quick_seconds"):
        runtime_line("40", None)
    with pytest.raises(ValueError, match="full_seconds"):
        runtime_line(40, -1)
    with pytest.raises(ValueError, match="cpu_cores"):
        runtime_line(40, 1, cpu_cores=0)


def test_with_runtime_line_keeps_the_title_first_and_is_idempotent():
    source = "# 04 · GANs from scratch\nA GAN, trained and measured."
    once = with_runtime_line(source, runtime_line(40, None))
    assert once.splitlines() == ["# 04 · GANs from scratch", "", runtime_line(40, None), "", "A GAN, trained and measured."]
    assert with_runtime_line(once, runtime_line(40, None)) == once
    twice = with_runtime_line(once, runtime_line(50, 100))
    assert twice.count(RUNTIME_MARK) == 1 and "quick ~50 s" in twice and "full ~100 s" in twice
    with pytest.raises(ValueError, match="line"):
        with_runtime_line(source, "Run time: no marker")
    with pytest.raises(TypeError, match="strings"):
        with_runtime_line(None, runtime_line(1, 1))


def test_tool_updates_copies_of_the_notebooks(copies, tmp_path):
    results = tmp_path / "results"
    numbers = [p.name[:2] for p in sorted(copies.glob("*.ipynb"))]
    _publish(results, "quick_cpu", {numbers[0]: 42.0})
    _publish(results, "full_gpu", {numbers[0]: 200.0, numbers[1]: 61.0})
    times = measured_run_times(results)
    assert times.quick == {numbers[0]: 43.0} and times.full[numbers[1]] == 62.0 and times.cpu_cores == 2
    before = {p.name: nbformat.read(p, as_version=4) for p in copies.glob("*.ipynb")}

    assert len(update_runtime_lines(copies, results)) == 2
    for path in sorted(copies.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        first = nb.cells[0].source.splitlines()
        assert first[0] == f"# {path.name[:2]} · {notebook_titles()[path.name[:2]]}", "the hygiene test's title line"
        assert first[2].startswith("Run time: ") and first[2].endswith(RUNTIME_MARK)
        old = before[path.name]
        assert [c.source for c in nb.cells[1:]] == [c.source for c in old.cells[1:]], "only the first cell changes"
        assert [c.get("outputs") for c in nb.cells] == [c.get("outputs") for c in old.cells], "outputs untouched"
    first_nb = nbformat.read(sorted(copies.glob("*.ipynb"))[0], as_version=4)
    assert "quick ~45 s on 2 CPU cores · full ~200 s on one GPU" in first_nb.cells[0].source
    second_nb = nbformat.read(sorted(copies.glob("*.ipynb"))[1], as_version=4)
    assert "quick profile not yet timed on 2 CPU cores · full ~60 s on one GPU" in second_nb.cells[0].source

    assert update_runtime_lines(copies, results, check_only=True) == [], "a second run changes nothing"
    _publish(results, "quick_cpu", {numbers[0]: 80.0})
    assert [p.name[:2] for p in update_runtime_lines(copies, results, check_only=True)] == [numbers[0]], "stale line found"


def test_malformed_results_file_is_rejected(tmp_path):
    (tmp_path / "quick_cpu.json").write_text("[]")
    with pytest.raises(ValueError, match="results record"):
        measured_run_times(tmp_path)


@pytest.mark.skipif(not RUNTIME_LINES_REQUIRED, reason="LEAD enables this once all 30 notebooks and data/results exist")
def test_every_notebook_has_a_current_runtime_line():
    assert (REPO_ROOT / "data" / "results" / "quick_cpu.json").exists(), "commit the quick run: aigc-run --publish"
    stale = update_runtime_lines(check_only=True)
    assert not stale, f"run python -m aigc_utils.report --runtime-lines; stale: {[p.name for p in stale]}"
