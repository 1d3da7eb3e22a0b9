"""``aigc-run``: execute the course's notebooks with papermill and summarise their checks.

    aigc-run                              # all notebooks, quick profile, seed 0, into runs/quick/
    aigc-run --only 01,04 --seeds 0,1,2   # a seed sweep of two notebooks
    aigc-run --profile full               # on a GPU machine
    aigc-run --in-place --only 04         # refresh the committed outputs of notebook 04

Each executed notebook goes to the output folder (the sources are left alone
unless ``--in-place`` is given). At the end a table lists notebook, seed,
status, seconds and every ``check`` the notebook recorded (value and bar); the
same goes to ``summary.json`` and ``summary.md``. The exit status is non-zero
when any notebook fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aigc_utils.check import checks_from_notebook
from aigc_utils.profile import PROFILES
from aigc_utils.questions import REPO_ROOT
from aigc_utils.report import markdown_cell
from aigc_utils.train import progress

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
DEFAULT_KERNEL = "python3"


@dataclass
class NotebookResult:
    """The outcome of one notebook run."""

    notebook: str
    seed: int
    profile: str
    status: str  # "passed" or "failed"
    seconds: float
    checks: list[dict] = field(default_factory=list)
    error: str = ""
    output: str = ""


def find_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR, only: list[str] | None = None) -> list[Path]:
    """The course notebooks (``NN_*.ipynb``) in order, optionally only the numbers in ``only``.

    Raises:
        ValueError: an entry of ``only`` is not a notebook number, or matches no notebook.
    """
    notebooks = sorted(p for p in Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))
    if only is None:
        return notebooks
    wanted = []
    for number in only:
        if not number.strip().isdigit():
            raise ValueError(f"--only takes notebook numbers such as 01,04; got {number!r}")
        wanted.append(f"{int(number):02d}")
    missing = [n for n in wanted if not any(p.name.startswith(n + "_") for p in notebooks)]
    if missing:
        raise ValueError(f"--only names notebooks that do not exist: {', '.join(missing)}")
    return [p for p in notebooks if p.name[:2] in wanted]


def _strip_run_metadata(path: Path) -> None:
    """Remove papermill's and nbclient's per-run metadata (absolute paths, timestamps)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def run_notebook(
    path: Path, output_dir: Path | None, *, profile: str, seed: int, kernel: str, timeout: int
) -> NotebookResult:
    """Execute one notebook with papermill and collect its recorded checks.

    With ``output_dir=None`` the notebook is executed in place: no parameter
    cell is injected (the profile reaches it through ``$AIGC_PROFILE`` and the
    seed stays the notebook's default), and per-run metadata is stripped so
    the committed file stays clean.
    """
    import nbformat
    import papermill

    in_place = output_dir is None
    output = path if output_dir is None else output_dir / f"{path.stem}.seed{seed}.ipynb"
    parameters = {} if in_place else {"profile": profile, "seed": seed}
    previous = os.environ.get("AIGC_PROFILE")
    os.environ["AIGC_PROFILE"] = profile
    started = time.perf_counter()
    error = ""
    try:
        papermill.execute_notebook(
            str(path),
            str(output),
            parameters=parameters,
            kernel_name=kernel,
            progress_bar=False,
            cwd=str(path.parent),
            execution_timeout=timeout,
        )
    except Exception as exc:  # papermill raises PapermillExecutionError for a failing cell
        error = f"{type(exc).__name__}: {getattr(exc, 'ename', '')} {getattr(exc, 'evalue', exc)}".strip()
    finally:
        if previous is None:
            os.environ.pop("AIGC_PROFILE", None)
        else:
            os.environ["AIGC_PROFILE"] = previous
    seconds = time.perf_counter() - started
    checks = []
    if output.exists():
        if in_place:
            _strip_run_metadata(output)
        checks = [asdict(c) for c in checks_from_notebook(nbformat.read(output, as_version=4))]
    failed = bool(error) or any(not c["passed"] for c in checks)
    return NotebookResult(
        notebook=path.stem,
        seed=seed,
        profile=profile,
        status="failed" if failed else "passed",
        seconds=round(seconds, 1),
        checks=checks,
        error=error.splitlines()[0][:300] if error else "",
        output=str(output),
    )


def _check_text(check: dict) -> str:
    from aigc_utils.check import CheckResult

    result = CheckResult(**check)
    mark = "ok" if result.passed else "FAIL"
    return f"{result.claim} = {result.value:.4g} ({result.bar}, {mark})"


def summary_markdown(results: list[NotebookResult]) -> str:
    """The summary as a Markdown table: notebook, seed, status, seconds, checks."""
    lines = ["| notebook | seed | profile | status | seconds | checks (value, bar) |", "|---|---|---|---|---|---|"]
    for r in results:
        checks = "<br>".join(markdown_cell(_check_text(c)) for c in r.checks) or "-"
        if r.error:
            checks += f"<br>error: {markdown_cell(r.error)}"
        lines.append(f"| {r.notebook} | {r.seed} | {r.profile} | {r.status} | {r.seconds:.1f} | {checks} |")
    total = sum(r.seconds for r in results)
    failed = sum(r.status != "passed" for r in results)
    lines += ["", f"{len(results)} runs, {failed} failed, {total:.0f} s in all."]
    return "\n".join(lines)


def summary_text(results: list[NotebookResult]) -> str:
    """The summary as a plain-text table for the terminal."""
    out = [f"{'notebook':<40} {'seed':>4} {'status':<7} {'sec':>6}  checks"]
    for r in results:
        checks = [_check_text(c) for c in r.checks] or ["-"]
        out.append(f"{r.notebook:<40} {r.seed:>4} {r.status:<7} {r.seconds:>6.1f}  {checks[0]}")
        out += [f"{'':<61}{c}" for c in checks[1:]]
        if r.error:
            out.append(f"{'':<61}error: {r.error}")
    total = sum(r.seconds for r in results)
    failed = sum(r.status != "passed" for r in results)
    out.append(f"{len(results)} runs, {len(results) - failed} passed, {failed} failed, {total:.0f} s in all")
    return "\n".join(out)


def _parse_seeds(text: str) -> list[int]:
    try:
        seeds = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"seeds must be integers separated by commas, got {text!r}") from None
    if not seeds or any(s < 0 for s in seeds):
        raise argparse.ArgumentTypeError(f"seeds must be non-negative integers, got {text!r}")
    return seeds


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of ``aigc-run``."""
    parser = argparse.ArgumentParser(prog="aigc-run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=PROFILES + ("auto",), default="quick", help="run profile (default quick)")
    seeds = parser.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=int, default=None, help="one seed (default 0)")
    seeds.add_argument("--seeds", type=_parse_seeds, default=None, help="several seeds, e.g. 0,1,2")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None, help="notebook numbers, e.g. 01,04")
    parser.add_argument("--kernel", default=DEFAULT_KERNEL, help=f"Jupyter kernel name (default {DEFAULT_KERNEL})")
    parser.add_argument("--output-dir", type=Path, default=None, help="where executed notebooks go (default runs/PROFILE)")
    parser.add_argument("--in-place", action="store_true", help="overwrite the source notebooks (refresh outputs)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds a single cell may run (default 900)")
    parser.add_argument("--notebooks-dir", type=Path, default=NOTEBOOKS_DIR, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the selected notebooks; print and save the summary; 1 if any failed."""
    args = build_parser().parse_args(argv)
    from aigc_utils.profile import resolve_profile

    profile = resolve_profile(args.profile)
    seeds = args.seeds or [0 if args.seed is None else args.seed]
    if args.seed is not None and args.seed < 0:
        print("aigc-run: --seed must be >= 0", file=sys.stderr)
        return 2
    if args.in_place and seeds != [0]:
        print("aigc-run: --in-place keeps each notebook's default seed 0; drop --seed/--seeds", file=sys.stderr)
        return 2
    try:
        notebooks = find_notebooks(args.notebooks_dir, args.only)
    except ValueError as exc:
        print(f"aigc-run: {exc}", file=sys.stderr)
        return 2
    if not notebooks:
        print(f"aigc-run: no notebooks found in {args.notebooks_dir}", file=sys.stderr)
        return 2
    output_dir = None if args.in_place else (args.output_dir or REPO_ROOT / "runs" / profile)
    summary_dir = args.output_dir or REPO_ROOT / "runs" / profile
    summary_dir.mkdir(parents=True, exist_ok=True)
    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)

    jobs = [(seed, path) for seed in seeds for path in notebooks]
    results = []
    bar = progress(jobs, desc="notebooks")
    for seed, path in bar:
        bar.set_postfix_str(f"{path.stem} seed {seed}")
        results.append(run_notebook(path, output_dir, profile=profile, seed=seed, kernel=args.kernel, timeout=args.timeout))
    bar.close()

    (summary_dir / "summary.json").write_text(json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False))
    (summary_dir / "summary.md").write_text(summary_markdown(results) + "\n", encoding="utf-8")
    print(summary_text(results))
    print(f"summary written to {summary_dir / 'summary.md'} and summary.json")
    return 1 if any(r.status != "passed" for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
