import pytest

from aigc_utils.report import TABLE_END, TABLE_START, main, notebook_table, render_readme


def test_readme_table_matches_the_committed_notebooks():
    assert main(["--check"]) == 0, "run: python -m aigc_utils.report"


def test_table_lists_all_thirty_notebooks():
    rows = [line for line in notebook_table().splitlines() if line.startswith("| ") and line[2:4].isdigit()]
    assert [r[2:4] for r in rows] == [f"{n:02d}" for n in range(1, 31)]


def test_render_readme_replaces_between_markers_only():
    text = f"intro\n{TABLE_START}\nold\n{TABLE_END}\noutro"
    assert render_readme(text, "new") == f"intro\n{TABLE_START}\nnew\n{TABLE_END}\noutro"
    with pytest.raises(ValueError, match="markers"):
        render_readme("no markers", "new")


def test_markdown_cell_escapes_pipes():
    from aigc_utils.report import markdown_cell

    assert markdown_cell("max |x|\nnext") == "max \\|x\\| next"
