"""The rendered book: a static HTML site of the executed notebooks.

    python -m aigc_utils.book              # or: bash scripts/build_book.sh  ->  _build/book/index.html

Pages:

- ``index.html``: the thirty notebooks (a planned one is shown as "planned"),
  their questions (linked to the question bank) and the checked results of
  the committed quick run, with links to the pages below;
- one page per notebook on disk (``NN_slug.html``), rendered by nbconvert's
  ``lab`` template from the committed outputs (plots inline as PNG),
  with navigation (contents, previous, next) at the top and bottom; exercise
  solutions (cells tagged ``solution``) are inside a collapsed ``<details>``;
- ``results.html``: the whole-course results pages ``data/results/*.md``
  (written by ``aigc-run --publish``);
- ``question_bank.html``: ``data/question_bank.md``, when present.

Links between the Markdown sources (``../notebooks/NN_slug.ipynb#heading``,
``data/question_bank.md#notebook-NN``, ``data/results/quick_cpu.md``) are
rewritten to the book's pages, and GitHub-style heading anchors to
nbconvert's. Formulas are typeset by MathJax 3 served from the book itself
(``scripts/setup.sh`` installs it with npm; see :func:`find_mathjax`), so
the site needs no network. nbconvert was chosen over jupyter-book: it is
already installed, builds offline and takes seconds.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aigc_utils.check import checks_from_notebook, run_record_from_notebook
from aigc_utils.question_bank import github_anchor
from aigc_utils.questions import REPO_ROOT, load_questions
from aigc_utils.report import measured_run_times, notebook_titles

BOOK_DIR = REPO_ROOT / "_build" / "book"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
RESULTS_DIR = REPO_ROOT / "data" / "results"
QUESTION_BANK = REPO_ROOT / "data" / "question_bank.md"
MATHJAX_ENV_VAR = "AIGC_MATHJAX_DIR"
MATHJAX_PARTS = ("tex-chtml-full.js", "input", "output", "ui", "a11y", "adaptors")

_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}{{ resources.aigc_mathjax }}{%- endblock html_head_js_mathjax -%}
{%- block extra_css -%}<style type="text/css">{{ resources.aigc_css }}</style>{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}{{ resources.aigc_nav }}{%- endblock body_header -%}
{%- block body_footer -%}{{ resources.aigc_nav }}{{ super() }}{%- endblock body_footer -%}
{%- block input -%}
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">
     <div class="cm-editor cm-s-jupyter">
{{ cell.source | highlight_code(metadata=cell.metadata) }}
     </div>
</div>
{%- endblock input -%}
{%- block any_cell -%}
{%- if 'solution' in cell.metadata.get('tags', []) -%}
<details class="aigc-solution"><summary>Solution (click to open)</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{%- endblock any_cell -%}
"""

_CSS = """
nav.aigc-nav { font-family: var(--jp-ui-font-family, sans-serif); font-size: 14px; padding: 8px 12px;
  margin: 0 0 12px 0; background: #f3f5f7; border-bottom: 1px solid #d0d7de; display: flex; gap: 16px; flex-wrap: wrap; }
nav.aigc-nav a { text-decoration: none; color: #0b5cad; }
nav.aigc-nav a:hover { text-decoration: underline; }
details.aigc-solution { border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0 6px 64px; padding: 4px 8px; }
details.aigc-solution > summary { cursor: pointer; color: #0b5cad; font-family: var(--jp-ui-font-family, sans-serif); }
table.aigc-index { border-collapse: collapse; font-size: 13px; }
table.aigc-index td, table.aigc-index th { border: 1px solid #d0d7de; padding: 4px 6px; vertical-align: top; text-align: left; }
table.aigc-index tr.planned { color: #6e7781; }
"""

_MATHJAX_CONFIG = """<script>
window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true},
  options: {ignoreHtmlClass: 'tex2jax_ignore', processHtmlClass: 'tex2jax_process'},
  chtml: {fontURL: 'mathjax/output/chtml/fonts/woff-v2'}
};
</script>
<script id="MathJax-script" src="mathjax/tex-chtml-full.js"></script>
"""


@dataclass
class Book:
    """What :func:`build_book` wrote: the folder, its pages and whether MathJax is bundled."""

    out_dir: Path
    index: Path
    notebook_pages: list[Path] = field(default_factory=list)
    other_pages: list[Path] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    missing_anchors: list[str] = field(default_factory=list)  # "page: link" whose anchor does not exist (link kept to the page)
    mathjax: bool = False
    seconds: float = 0.0

    @property
    def pages(self) -> list[Path]:
        """Every HTML page of the book: the index, the notebooks, then the other pages."""
        return [self.index, *self.notebook_pages, *self.other_pages]


def find_mathjax() -> Path | None:
    """MathJax 3's ``es5`` folder: ``$AIGC_MATHJAX_DIR``, else where ``scripts/setup.sh`` puts it
    (``.venv/share/aigc-mathjax/node_modules/mathjax/es5``); ``None`` when absent."""
    candidates = []
    if os.environ.get(MATHJAX_ENV_VAR):
        candidates.append(Path(os.environ[MATHJAX_ENV_VAR]))
    for prefix in (Path(sys.prefix), REPO_ROOT / ".venv"):
        candidates.append(prefix / "share" / "aigc-mathjax" / "node_modules" / "mathjax" / "es5")
    for candidate in candidates:
        if (candidate / "tex-chtml-full.js").is_file():
            return candidate
    return None


def page_name(notebook: Path | str) -> str:
    """The book page of a notebook: ``04_gans_from_scratch.ipynb`` -> ``04_gans_from_scratch.html``.

    Raises:
        ValueError: the name is not a course notebook name (``NN_slug.ipynb``).
    """
    name = Path(notebook).name
    if not re.fullmatch(r"\d\d_[\w-]+\.ipynb", name):
        raise ValueError(f"notebook must be named NN_slug.ipynb, got {name!r}")
    return name[: -len(".ipynb")] + ".html"


_HEADING = re.compile(r"<h[1-6][^>]*\sid=\"([^\"]+)\"[^>]*>(.*?)</h[1-6]>", re.S)
_ID = re.compile(r"\sid=\"([^\"]+)\"")
_HREF = re.compile(r"(<a\s[^>]*?href=\")([^\"]*)(\")")


def _heading_text(inner: str) -> str:
    text = re.sub(r"<a class=\"anchor-link\".*?</a>", "", inner, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _anchors(page: str) -> tuple[set[str], dict[str, str]]:
    """All ids of a page, and GitHub-style heading anchors mapped to nbconvert's ids."""
    ids = set(_ID.findall(page))
    github: dict[str, str] = {}
    for anchor, inner in _HEADING.findall(page):
        text = _heading_text(inner)
        if text:  # an empty heading has no GitHub anchor
            github.setdefault(github_anchor(text), html.unescape(anchor))
    return ids, github


def _target(href: str, pages: dict[str, str]) -> str | None:
    """The book page a source link points to (``None``: leave the link alone)."""
    raw = html.unescape(href)
    path, _, fragment = raw.partition("#")
    name = path.rsplit("/", 1)[-1]
    if path.endswith(".ipynb") and re.fullmatch(r"\d\d_[\w-]+\.ipynb", name) and not path.startswith(("http:", "https:")):
        page = page_name(name)
        target = page if page in pages else "index.html"
    elif path.endswith("question_bank.md") and not path.startswith(("http:", "https:")):
        target = "question_bank.html" if "question_bank.html" in pages else "index.html"
    elif re.search(r"(^|/)data/results/\w+\.(md|json)$", path) or path in ("quick_cpu.md", "full_gpu.md"):
        target = "results.html"
    elif path.endswith("README.md") and not path.startswith(("http:", "https:")):
        target = "index.html"
    else:
        return None
    return target + (f"#{fragment}" if fragment else "")


def _rewrite_links(
    page: str, pages: dict[str, str], anchors: dict[str, tuple[set[str], dict[str, str]]], current: str, missing: list[str]
) -> str:
    """``page`` with its links to Markdown/notebook sources pointed at the book's pages and their
    anchors at nbconvert's ids; a link to an anchor that does not exist keeps only the page (noted in ``missing``)."""
    def replace(match: re.Match[str]) -> str:
        href = html.unescape(match.group(2))
        target = f"{current}{href}" if href.startswith("#") else _target(href, pages)
        if target is None:
            return match.group(0)
        name, _, fragment = target.partition("#")
        if fragment and name in anchors:
            ids, github = anchors[name]
            for candidate in (fragment, urllib.parse.unquote(fragment)):
                if fragment not in ids and candidate in github:
                    fragment = github[candidate]
            if fragment not in ids:
                missing.append(f"{current}: {html.unescape(match.group(2))}")
            target = f"{name}#{fragment}" if fragment in ids else name
        if name == current and target.startswith(current + "#"):
            target = target[len(current):]
        return match.group(1) + html.escape(target, quote=True) + match.group(3)

    return _HREF.sub(replace, page)


def _finish(page: str) -> str:
    """Give every image without one an ``alt`` text (as nbconvert's own HTML pass does)."""
    return re.sub(r"<img(?![^>]*\salt=)", '<img alt="figure output of the cell above"', page)


def _nav(links: list[tuple[str, str]]) -> str:
    items = "".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>' for href, text in links)
    return f'<nav class="aigc-nav">{items}</nav>'


def _exporter() -> Any:
    """nbconvert's HTML exporter with the book's template, minus its two slow passes: bleach on
    highlighted code (pygments already escapes it) and a BeautifulSoup pass over the whole page
    (it only adds ``alt`` texts and ``tabindex``; the alt texts are added in :func:`_finish`)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter, TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class BookExporter(HTMLExporter):  # type: ignore[misc]
        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            self.register_filter(
                "filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    exporter = BookExporter(template_name="lab", extra_loaders=[DictLoader({"aigc_book.html.j2": _TEMPLATE})])
    exporter.template_file = "aigc_book.html.j2"
    exporter.exclude_anchor_links = False
    return exporter


def _markdown_notebook(title: str, markdown: str) -> Any:
    from nbformat.v4 import new_markdown_cell, new_notebook

    return new_notebook(cells=[new_markdown_cell(markdown)], metadata={"title": title})


def _index_markdown(
    titles: dict[str, str], found: dict[str, Path], notebooks: dict[str, Any], pages: dict[str, str], results: list[str]
) -> str:
    questions = load_questions()
    course_seconds = measured_run_times().quick  # the whole-course run (data/results), when published
    rows = []
    for number, title in titles.items():
        mine = [q for q in questions if q.notebook == number]
        if "question_bank.html" in pages:
            ids = ", ".join(
                f'<a href="question_bank.html#notebook-{number}" title="{html.escape(q.question_en)}">{q.id}</a>' for q in mine
            )
        else:
            ids = ", ".join(f'<span title="{html.escape(q.question_en)}">{q.id}</span>' for q in mine)
        path = found.get(number)
        if path is None:
            rows.append(f'<tr class="planned"><td>{number}</td><td>{html.escape(title)} (planned)</td><td>{ids}</td><td>-</td><td>-</td></tr>')
            continue
        nb = notebooks[number]
        checks = checks_from_notebook(nb)
        run = run_record_from_notebook(nb)
        measured = "<br>".join(
            f"{html.escape(c.claim)}: <b>{c.value:.3g}</b> ({html.escape(c.bar)}{'' if c.passed else ', FAILED'})" for c in checks
        ) or "not executed"
        if number in course_seconds:
            seconds = f"{course_seconds[number]:.0f}"
        else:
            seconds = f"{run['seconds']:.0f}" if run else "-"
        rows.append(
            f'<tr><td>{number}</td><td><a href="{page_name(path)}">{html.escape(title)}</a></td><td>{ids}</td>'
            f"<td>{measured}</td><td>{seconds}</td></tr>"
        )
    extra = []
    if results:
        extra.append('<a href="results.html">whole-course results</a> (every notebook run by <code>aigc-run</code>)')
    if "question_bank.html" in pages:
        extra.append('<a href="question_bank.html">the interview question bank</a> (all 150 questions with 60-second answers)')
    lines = [
        "# AIGC, answered with code that runs",
        "",
        f"Thirty notebooks, {len(found)} written so far; each answers interview questions with an experiment and "
        "*asserts* its lesson with measured numbers. The results below are the checks recorded in the committed "
        "notebooks (quick profile, CPU); the seconds are each notebook's time in the whole-course run on 2 CPU cores, "
        "kernel start included. Hover over a question id to read it.",
        "",
        ("Also: " + "; ".join(extra) + ".") if extra else "",
        "",
        '<table class="aigc-index"><thead><tr><th>#</th><th>notebook</th><th>questions</th>'
        "<th>checked results (committed quick run)</th><th>seconds</th></tr></thead><tbody>",
        *rows,
        "</tbody></table>",
    ]
    return "\n".join(lines)


def _copy_mathjax(source: Path, out_dir: Path) -> None:
    target = out_dir / "mathjax"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for part in MATHJAX_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part)
        elif path.is_file():
            shutil.copy2(path, target / part)


def build_book(
    out_dir: Path = BOOK_DIR,
    *,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    results_dir: Path = RESULTS_DIR,
    question_bank: Path = QUESTION_BANK,
    mathjax_dir: Path | None = None,
) -> Book:
    """Build the static HTML book of the executed notebooks into ``out_dir`` (emptied first).

    Args:
        out_dir: the site's folder (default ``_build/book``, ignored by git).
        notebooks_dir: where the ``NN_slug.ipynb`` notebooks are; missing numbers are "planned".
        results_dir: the published results pages (``*.md``) for ``results.html``.
        question_bank: ``data/question_bank.md``; its page is skipped when the file is missing.
        mathjax_dir: MathJax 3's ``es5`` folder (default :func:`find_mathjax`); without it
            formulas stay as TeX source (nothing is fetched from the network).

    Returns:
        A :class:`Book` listing the pages written.

    Raises:
        TypeError: a path argument is not a path.
        ValueError: ``notebooks_dir`` is not a folder.
    """
    started = time.perf_counter()
    for name, value in (("out_dir", out_dir), ("notebooks_dir", notebooks_dir), ("results_dir", results_dir), ("question_bank", question_bank)):
        if not isinstance(value, (str, Path)):
            raise TypeError(f"{name} must be a path, got {type(value).__name__}")
    if mathjax_dir is not None and not isinstance(mathjax_dir, (str, Path)):
        raise TypeError(f"mathjax_dir must be a path or None, got {type(mathjax_dir).__name__}")
    out_dir, notebooks_dir = Path(out_dir), Path(notebooks_dir)
    results_dir, question_bank = Path(results_dir), Path(question_bank)
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir must be a folder, got {notebooks_dir}")
    import nbformat

    mathjax = Path(mathjax_dir) if mathjax_dir is not None else find_mathjax()
    if mathjax is not None and not (mathjax / "tex-chtml-full.js").is_file():
        raise ValueError(f"mathjax_dir must be MathJax 3's es5 folder (with tex-chtml-full.js), got {mathjax}")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    if mathjax is not None:
        _copy_mathjax(mathjax, out_dir)

    titles = notebook_titles()
    found = {p.name[:2]: p for p in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")) if p.name[:2] in titles}
    results = sorted(results_dir.glob("*.md")) if results_dir.is_dir() else []
    results = [p for p in results if p.name.lower() != "readme.md"]

    # Page name -> (title, notebook node). Rendered first, links rewritten once every page's anchors are known.
    sources: dict[str, tuple[str, Any]] = {}
    numbers = list(found)
    notebooks = {number: nbformat.read(path, as_version=4) for number, path in found.items()}  # read once: pages and index
    for number, path in found.items():
        sources[page_name(path)] = (f"{number} · {titles[number]}", notebooks[number])
    if question_bank.is_file():
        sources["question_bank.html"] = ("Interview question bank", _markdown_notebook("Interview question bank", question_bank.read_text(encoding="utf-8")))
    results_md = "\n\n".join(p.read_text(encoding="utf-8") for p in results) or (
        "# Whole-course results\n\nNo results published yet: run `aigc-run --publish` (quick profile on a CPU) "
        "or `aigc-run --profile full --publish` (on a GPU) and commit `data/results/`."
    )
    sources["results.html"] = ("Whole-course results", _markdown_notebook("Whole-course results", results_md))
    sources["index.html"] = ("AIGC course: contents", None)
    index_md = _index_markdown(titles, found, notebooks, {name: "" for name in sources}, [p.name for p in results])
    sources["index.html"] = ("AIGC course: contents", _markdown_notebook("AIGC course: contents", index_md))

    exporter = _exporter()
    rendered: dict[str, str] = {}
    for name, (title, nb) in sources.items():
        nav = [("index.html", "Contents")]
        if name.endswith(".html") and name[:2].isdigit():
            position = numbers.index(name[:2])
            if position > 0:
                previous = numbers[position - 1]
                nav.append((page_name(found[previous]), f"← {previous} · {titles[previous]}"))
            if position + 1 < len(numbers):
                following = numbers[position + 1]
                nav.append((page_name(found[following]), f"{following} · {titles[following]} →"))
        nav.append(("results.html", "Results"))
        if "question_bank.html" in sources:
            nav.append(("question_bank.html", "Question bank"))
        nb.metadata["title"] = title
        resources = {
            "aigc_nav": _nav(nav),
            "aigc_css": _CSS,
            "aigc_mathjax": _MATHJAX_CONFIG if mathjax is not None else "",
            "metadata": {"name": title},
        }
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        rendered[name] = body
    anchors = {name: _anchors(body) for name, body in rendered.items()}
    missing: list[str] = []
    for name, body in rendered.items():
        (out_dir / name).write_text(_finish(_rewrite_links(body, rendered, anchors, name, missing)), encoding="utf-8")

    return Book(
        out_dir=out_dir,
        index=out_dir / "index.html",
        notebook_pages=[out_dir / page_name(p) for p in found.values()],
        other_pages=[out_dir / n for n in ("results.html", "question_bank.html") if n in rendered],
        planned=[n for n in titles if n not in found],
        missing_anchors=missing,
        mathjax=mathjax is not None,
        seconds=round(time.perf_counter() - started, 1),
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m aigc_utils.book [OUT_DIR]``: build the book and say where it is."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0].startswith("-")):
        print("usage: python -m aigc_utils.book [OUT_DIR]   (default _build/book)", file=sys.stderr)
        return 2
    book = build_book(Path(args[0]) if args else BOOK_DIR)
    print(
        f"book: {len(book.notebook_pages)} notebook pages, {len(book.planned)} planned, "
        f"{len(book.other_pages)} other pages in {book.seconds:.1f} s -> {book.index}"
    )
    for link in book.missing_anchors:
        print(f"warning: link to a missing anchor (kept to the page): {link}")
    if not book.mathjax:
        print("note: MathJax not found (run scripts/setup.sh with npm available): formulas show as TeX source")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
