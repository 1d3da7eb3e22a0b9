"""The rendered book (issue 8): built from the committed notebooks, opened in headless Chromium.

The book is built into ``_build/book`` (what ``bash scripts/build_book.sh``
does), served on localhost and every page is opened in headless Chromium: the
pages load, images decode, links inside the book reach existing pages and
anchors, nothing is fetched from outside localhost, MathJax typesets the
formulas, exercise solutions are collapsed. Screenshots for a human go to
``_build/screenshots/`` (index.png and one notebook page).

Chromium comes from ``scripts/setup.sh`` (apt-get install chromium-headless-shell);
without it this test fails and says so: it is part of the test set-up.
"""

import re
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from aigc_utils.book import build_book, github_anchor, page_name
from aigc_utils.browser import Chromium, check_site, find_chromium, serve
from aigc_utils.report import notebook_titles
from notebook_files import NOTEBOOKS, REPO_ROOT, tagged

BUILD = REPO_ROOT / "_build"
COURSE_NOTEBOOKS = [p for p in NOTEBOOKS if re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name)]


@pytest.fixture(scope="module")
def book():
    started = time.perf_counter()
    built = build_book(BUILD / "book")
    print(f"book built in {time.perf_counter() - started:.1f} s: {len(built.notebook_pages)} notebook pages")
    return built


@pytest.fixture(scope="module")
def site(book):
    if find_chromium() is None:
        pytest.fail(
            "headless Chromium is missing: run bash scripts/setup.sh (it installs Debian's chromium-headless-shell "
            "with apt-get), or set AIGC_CHROMIUM to a Chromium/Chrome binary"
        )
    shots = BUILD / "screenshots"
    started = time.perf_counter()
    with Chromium() as browser, serve(book.out_dir) as base:
        report = check_site(browser, base)
        browser.open(base + "index.html")
        index_shot = browser.screenshot(shots / "index.png")
        sample = max(book.notebook_pages, key=lambda p: p.name.startswith("04_")) if book.notebook_pages else book.index
        browser.open(base + sample.name)
        page_shot = browser.screenshot(shots / f"{sample.stem}.png", full_page=True)
    print(f"{len(report.pages)} pages checked in Chromium in {time.perf_counter() - started:.1f} s")
    return base, report, (index_shot, page_shot)


def test_book_has_a_page_per_notebook_and_lists_the_rest_as_planned(book):
    assert [p.name for p in book.notebook_pages] == [page_name(p) for p in COURSE_NOTEBOOKS]
    assert all(p.is_file() for p in book.pages)
    index = book.index.read_text(encoding="utf-8")
    rows = re.findall(r"<tr(?: class=\"planned\")?><td>(\d\d)</td>", index)
    assert rows == [f"{n:02d}" for n in range(1, 31)], "the index lists all thirty notebooks"
    for number in book.planned:
        assert f"{notebook_titles()[number]} (planned)" in index
    assert len(book.planned) + len(book.notebook_pages) == 30


def test_solutions_are_collapsed_and_links_point_into_the_book(book):
    for notebook, page in zip(COURSE_NOTEBOOKS, book.notebook_pages):
        html = page.read_text(encoding="utf-8")
        solutions = len(tagged(nbformat.read(notebook, as_version=4), "solution"))
        assert html.count('<details class="aigc-solution">') == solutions, page.name
        assert not re.search(r'href="[^"#]*\.ipynb', html), f"{page.name} links to a notebook file, not its page"
        assert 'src="http' not in html and "require.min.js" not in html, f"{page.name} loads something from the network"
    assert book.missing_anchors == [], "links to anchors that do not exist"


def test_book_opens_in_chromium_without_problems(book, site):
    base, report, _ = site
    visited = {url[len(base):] for url in report.pages}
    assert {p.name for p in book.pages} <= visited, "every page is reachable from the index"
    assert report.problems == [], "\n".join(report.problems)
    pages = [report.pages[base + p.name] for p in book.notebook_pages]
    assert all(p.status == 200 and p.text_length > 1000 for p in pages)
    assert sum(len(p.images) for p in pages) >= len(pages) // 2, "plots are inline"
    assert all(p.open_solutions == 0 for p in pages), "solutions start collapsed"


def test_formulas_are_typeset_offline(book, site):
    assert book.mathjax, "MathJax is not installed: run bash scripts/setup.sh with npm available (npm install mathjax@3)"
    base, report, _ = site
    assert sum(report.pages[base + p.name].math for p in book.notebook_pages) > 0, "no formula was typeset"


def test_screenshots_are_saved_for_a_human(site):
    for shot in site[2]:
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, shot


def _tiny_notebook(path, *cells):
    nbformat.write(new_notebook(cells=list(cells), metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), path)


def test_build_book_on_tiny_notebooks(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _tiny_notebook(
        notebooks / "01_first.ipynb",
        new_markdown_cell("# 01 · First\n\n## 1 · A section, with punctuation\n\nSee [the second](02_second.ipynb#2--later)."),
        new_code_cell("print(1)", metadata={"jupyter": {"source_hidden": True}, "tags": ["solution"]}),
    )
    _tiny_notebook(notebooks / "02_second.ipynb", new_markdown_cell("# 02 · Second\n\n## 2 · Later\n\n[back](../notebooks/01_first.ipynb#nowhere)"))
    results = tmp_path / "results"
    results.mkdir()
    (results / "quick_cpu.md").write_text("# Whole-course results: quick\n\n| notebook | status |\n|---|---|\n| 01_first | passed |\n")
    bank = tmp_path / "bank.md"
    bank.write_text('<a id="notebook-01"></a>\n\n# Bank\n\n[first](../notebooks/01_first.ipynb#1--a-section-with-punctuation)\n')
    book = build_book(tmp_path / "book", notebooks_dir=notebooks, results_dir=results, question_bank=bank)
    assert [p.name for p in book.notebook_pages] == ["01_first.html", "02_second.html"]
    assert len(book.planned) == 28 and {p.name for p in book.other_pages} == {"results.html", "question_bank.html"}
    first = (tmp_path / "book" / "01_first.html").read_text()
    assert '<details class="aigc-solution">' in first and 'href="02_second.html#2-%C2%B7-Later"' in first
    assert 'href="02_second.html"' in first, "navigation to the next notebook"
    bank_page = (tmp_path / "book" / "question_bank.html").read_text()
    assert 'href="01_first.html#1-%C2%B7-A-section,-with-punctuation"' in bank_page, "GitHub anchor mapped to nbconvert's"
    assert book.missing_anchors == ["02_second.html: ../notebooks/01_first.ipynb#nowhere"]
    assert "<td>01_first</td>" in (tmp_path / "book" / "results.html").read_text()
    assert 'href="results.html">whole-course results' in (tmp_path / "book" / "index.html").read_text()
    empty = build_book(tmp_path / "book2", notebooks_dir=notebooks, results_dir=tmp_path / "none", question_bank=tmp_path / "none.md")
    assert "No results published yet" in (tmp_path / "book2" / "results.html").read_text()
    assert [p.name for p in empty.other_pages] == ["results.html"] and "question_bank.html" not in (tmp_path / "book2" / "01_first.html").read_text()
    with pytest.raises(ValueError, match="notebooks_dir"):
        build_book(tmp_path / "x", notebooks_dir=tmp_path / "missing")
    with pytest.raises(TypeError, match="out_dir"):
        build_book(3)


def test_anchor_and_page_names():
    assert github_anchor("1 · AIGC in one page") == "1--aigc-in-one-page"
    assert github_anchor("Questions by notebook") == "questions-by-notebook"
    assert page_name("notebooks/04_gans_from_scratch.ipynb") == "04_gans_from_scratch.html"
    with pytest.raises(ValueError, match="notebook"):
        page_name("gans.ipynb")
    with pytest.raises(TypeError, match="heading"):
        github_anchor(None)


def test_browser_rejects_bad_arguments():
    with pytest.raises(ValueError, match="width"):
        Chromium(width=0)
    with pytest.raises(ValueError, match="folder"):
        with serve(REPO_ROOT / "no-such-folder"):
            pass
