"""``aigc-run``: execute the course's notebooks with papermill and summarise their checks.

    aigc-run                              # all notebooks, quick profile, seed 0, into runs/quick/
    aigc-run --only 01,04 --seeds 0,1,2   # a seed sweep of two notebooks
    aigc-run --profile full               # on a GPU machine
    aigc-run --in-place --only 04         # refresh the committed outputs of notebook 04
    aigc-run --publish                    # also write data/results/quick_cpu.md and .json

Each executed notebook goes to the output folder (the sources are left alone
unless ``--in-place`` is given). At the end a table lists notebook, seed,
status, seconds and every ``check`` the notebook recorded (value and bar); the
same goes to ``summary.json`` and ``summary.md``. With several seeds a second
table has one row per notebook and check and one column per seed (the value
and whether the bar holds). The exit status is non-zero when any notebook
fails.

The kernels run offline: they install ``aigc_utils.offline``'s guard, so any
attempt to reach the network fails the notebook (``--allow-network`` turns
that off). ``--publish`` records the run as the committed results page
``data/results/{profile}_{cpu|gpu}.md`` (+ ``.json``), merged with the
notebooks a previous publish recorded.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aigc_utils.check import CheckResult, checks_from_notebook, run_record_from_notebook
from aigc_utils.offline import offline_environment
from aigc_utils.profile import PROFILES
from aigc_utils.questions import REPO_ROOT
from aigc_utils.report import load_published, markdown_cell
from aigc_utils.train import progress

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
RESULTS_DIR = REPO_ROOT / "data" / "results"
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
    device: str = ""  # from the notebook's run record ("cpu", "cuda"), empty when it did not get there


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
    path: Path,
    output_dir: Path | None,
    *,
    profile: str,
    seed: int,
    kernel: str,
    timeout: int,
    offline: bool = True,
) -> NotebookResult:
    """Execute one notebook with papermill and collect its recorded checks.

    With ``output_dir=None`` the notebook is executed in place: no parameter
    cell is injected (the profile reaches it through ``$AIGC_PROFILE`` and the
    seed stays the notebook's default), and per-run metadata is stripped so
    the committed file stays clean. With ``offline=True`` (the default) the
    kernel runs under the offline guard (``aigc_utils.offline``): any network
    access fails the notebook.
    """
    import nbformat
    import papermill

    in_place = output_dir is None
    output = path if output_dir is None else output_dir / f"{path.stem}.seed{seed}.ipynb"
    parameters = {} if in_place else {"profile": profile, "seed": seed}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(offline_environment(saved, offline=offline))
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
        os.environ.clear()
        os.environ.update(saved)
    seconds = time.perf_counter() - started
    checks = []
    device = ""
    if output.exists():
        if in_place:
            _strip_run_metadata(output)
        executed = nbformat.read(output, as_version=4)
        checks = [asdict(c) for c in checks_from_notebook(executed)]
        record = run_record_from_notebook(executed)
        device = str(record.get("device", "")) if record else ""
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
        device=device,
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


def _fmt_value(value: float) -> str:
    return f"{value:.4g}"


def _validate_results(results: Any) -> list[NotebookResult]:
    if not isinstance(results, list) or not all(isinstance(r, NotebookResult) for r in results):
        raise TypeError("results must be a list of NotebookResult")
    return results


def seed_sweep(results: list[NotebookResult]) -> list[dict[str, Any]]:
    """One row per notebook and check across seeds: the rows of the seed-sweep table.

    Each row is ``{"notebook", "claim", "bar", "cells": {seed: (value or None,
    passed, bar)}, "holds": bool}``; checks are matched across seeds by their
    claim, in the order they first appear. A notebook that stopped with an
    error gets an extra row (claim ``"(notebook run)"``) with ``value=None``.
    A check missing on a seed (the notebook stopped before it) counts as not
    holding.

    Raises:
        TypeError: ``results`` is not a list of ``NotebookResult``.
    """
    results = _validate_results(results)
    seeds = sorted({r.seed for r in results})
    notebooks = list(dict.fromkeys(r.notebook for r in results))
    rows: list[dict[str, Any]] = []
    for notebook in notebooks:
        runs = {r.seed: r for r in results if r.notebook == notebook}
        claims: dict[str, None] = {}
        for seed in seeds:
            if seed in runs:
                claims.update(dict.fromkeys(c["claim"] for c in runs[seed].checks))
        for claim in claims:
            cells: dict[int, tuple[float | None, bool, str]] = {}
            for seed in seeds:
                found = [c for c in runs[seed].checks if c["claim"] == claim] if seed in runs else []
                if found:
                    result = CheckResult(**found[-1])
                    cells[seed] = (result.value, result.passed, result.bar)
                else:
                    cells[seed] = (None, False, "")
            bars = {bar for _, _, bar in cells.values() if bar}
            rows.append(
                {
                    "notebook": notebook,
                    "claim": claim,
                    "bar": bars.pop() if len(bars) == 1 else "varies",
                    "cells": cells,
                    "holds": all(passed for _, passed, _ in cells.values()),
                }
            )
        if any(r.error for r in runs.values()):
            cells = {seed: (None, bool(seed in runs and not runs[seed].error), runs[seed].error if seed in runs else "") for seed in seeds}
            rows.append({"notebook": notebook, "claim": "(notebook run)", "bar": "no error", "cells": cells, "holds": False})
    return rows


def _sweep_cell(row: dict[str, Any], seed: int) -> str:
    value, passed, bar = row["cells"][seed]
    if row["claim"] == "(notebook run)":
        return "ok" if passed else "error"
    if value is None:
        return "missing"
    text = f"{_fmt_value(value)} {'ok' if passed else 'FAIL'}"
    return f"{text} ({bar})" if row["bar"] == "varies" else text


def seed_table_markdown(results: list[NotebookResult]) -> str:
    """The seed sweep as Markdown: one row per notebook and check, one column per seed
    (value and ``ok``/``FAIL``), the bar, and whether it holds on every seed.

    Raises:
        TypeError: ``results`` is not a list of ``NotebookResult``.
    """
    rows = seed_sweep(results)
    seeds = sorted({r.seed for r in results})
    head = "| notebook | check | bar | " + " | ".join(f"seed {s}" for s in seeds) + " | holds on all seeds |"
    lines = [head, "|---|---|---|" + "---|" * len(seeds) + "---|"]
    for row in rows:
        cells = " | ".join(markdown_cell(_sweep_cell(row, s)) for s in seeds)
        holds = "yes" if row["holds"] else "**NO**"
        lines.append(f"| {row['notebook']} | {markdown_cell(row['claim'])} | {markdown_cell(row['bar'])} | {cells} | {holds} |")
    failing = sum(not row["holds"] for row in rows)
    lines += ["", f"{len(rows)} checks on seeds {', '.join(map(str, seeds))}: {len(rows) - failing} hold on every seed, {failing} do not."]
    return "\n".join(lines)


def seed_table_text(results: list[NotebookResult]) -> str:
    """The seed sweep as a plain-text table for the terminal (see :func:`seed_table_markdown`).

    Raises:
        TypeError: ``results`` is not a list of ``NotebookResult``.
    """
    rows = seed_sweep(results)
    seeds = sorted({r.seed for r in results})
    table = [["notebook", "check", "bar", *[f"seed {s}" for s in seeds], "all seeds"]]
    for row in rows:
        claim = row["claim"] if len(row["claim"]) <= 60 else row["claim"][:57] + "..."
        table.append([row["notebook"][:28], claim, row["bar"], *[_sweep_cell(row, s) for s in seeds], "holds" if row["holds"] else "FAILS"])
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in table]
    failing = sum(not row["holds"] for row in rows)
    out.append(f"{len(rows)} checks, {len(rows) - failing} hold on every seed, {failing} do not")
    return "\n".join(out)


def machine_description() -> dict[str, Any]:
    """Where the run happened: CPU cores, platform, Python, torch and the GPU (if any)."""
    import torch

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else ""
    return {
        "cpu_cores": cores,
        "platform": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "gpu": gpu,
        "threads": os.environ.get("OMP_NUM_THREADS", ""),
    }


def results_name(profile: str, results: list[NotebookResult]) -> str:
    """The results page's name: ``{profile}_gpu`` when the notebooks ran on CUDA, else ``{profile}_cpu``.

    Raises:
        TypeError: ``results`` is not a list of ``NotebookResult``.
        ValueError: ``profile`` is not a known profile.
    """
    from aigc_utils._validate import one_of

    profile = one_of("profile", profile, PROFILES)
    results = _validate_results(results)
    on_gpu = any(r.device.startswith("cuda") for r in results)
    return f"{profile}_{'gpu' if on_gpu else 'cpu'}"


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return Path(path).name


def publish_results(
    results: list[NotebookResult], profile: str, results_dir: Path = RESULTS_DIR, *, command: str = "aigc-run --publish"
) -> tuple[Path, Path]:
    """Write the committed results page ``results_dir/NAME.md`` and ``NAME.json``.

    NAME is :func:`results_name` (``quick_cpu``, ``full_gpu``, ...). Runs of
    notebooks (and seeds) already recorded there by an earlier publish are
    replaced; the others are kept, so ``--only 04 --publish`` refreshes one
    notebook's row. Paths are stored relative to the repository.

    Returns:
        The paths of the Markdown and the JSON file.

    Raises:
        TypeError: ``results`` is not a list of ``NotebookResult``.
        ValueError: ``results`` is empty or ``profile`` is unknown.
    """
    results = _validate_results(results)
    if not results:
        raise ValueError("results must not be empty: nothing to publish")
    name = results_name(profile, results)
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = results_dir / f"{name}.json", results_dir / f"{name}.md"
    runs = [dict(asdict(r), output=_relative(r.output)) for r in results]
    commands = [command]
    if json_path.exists():
        fresh = {(r["notebook"][:2], r["seed"]) for r in runs}
        earlier = load_published(json_path)
        kept = [r for r in earlier["runs"] if (r["notebook"][:2], r["seed"]) not in fresh]
        if kept:  # the page mixes runs: say which commands made it, oldest first
            commands = [*earlier.get("commands", [earlier.get("command", "aigc-run --publish")]), command]
        runs += kept
    runs.sort(key=lambda r: (r["seed"], r["notebook"]))
    record = {
        "name": name,
        "profile": profile,
        "date": datetime.date.today().isoformat(),
        "command": command,
        "commands": commands,
        "machine": machine_description(),
        "runs": runs,
    }
    json_path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(results_markdown(record), encoding="utf-8")
    return md_path, json_path


def results_markdown(record: dict[str, Any]) -> str:
    """The results page (Markdown) of a published results record (see :func:`publish_results`).

    Raises:
        ValueError: ``record`` has no ``runs`` list.
    """
    if not isinstance(record, dict) or not isinstance(record.get("runs"), list):
        raise ValueError("record must be a results record with a 'runs' list")
    fields = NotebookResult.__dataclass_fields__
    runs = [NotebookResult(**{k: v for k, v in r.items() if k in fields}) for r in record["runs"]]
    machine = record.get("machine", {})
    where = f"{machine.get('cpu_cores', '?')} CPU cores"
    if machine.get("gpu"):
        where = f"one {machine['gpu']} GPU ({where})"
    notebooks = sorted({r.notebook for r in runs})
    passed = sum(r.status == "passed" for r in runs)
    commands = record.get("commands") or [record.get("command", "aigc-run --publish")]
    made_by = ", then ".join(f"`{c}`" for c in commands)
    if len(commands) > 1:
        made_by += " (a later run's rows replace an earlier run's rows of the same notebook and seed)"
    seeds = sorted({r.seed for r in runs})
    per_seed = "; ".join(f"seed {s}: {sum(r.seconds for r in runs if r.seed == s):.0f} s" for s in seeds)
    lines = [
        f"# Whole-course results: {record.get('profile', '?')} profile, {record.get('name', '').split('_')[-1].upper()}",
        "",
        "<!-- written by aigc-run --publish (aigc_utils.runner); do not edit by hand -->",
        f"Run on {record.get('date', '?')} with {made_by} on {where}, "
        f"{machine.get('platform', '?')}, Python {machine.get('python', '?')}, torch {machine.get('torch', '?')}. "
        f"Seconds are wall-clock per notebook, kernel start included.",
        "",
        f"{len(notebooks)} notebooks, {len(runs)} runs: {passed} passed, {len(runs) - passed} failed, "
        f"{sum(r.seconds for r in runs):.0f} s in all" + (f" ({per_seed})." if len(seeds) > 1 else "."),
        "",
        summary_markdown(runs),
    ]
    if len({r.seed for r in runs}) > 1:
        lines += ["", "## Seed sweep", "", seed_table_markdown(runs)]
    return "\n".join(lines) + "\n"


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
    parser.add_argument(
        "--allow-network", action="store_true", help="run the kernels without the offline guard (by default any network access fails)"
    )
    parser.add_argument(
        "--publish", action="store_true", help="also write the committed results page data/results/PROFILE_{cpu,gpu}.md and .json"
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help=argparse.SUPPRESS)
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
        results.append(
            run_notebook(
                path, output_dir, profile=profile, seed=seed, kernel=args.kernel, timeout=args.timeout, offline=not args.allow_network
            )
        )
    bar.close()

    markdown = summary_markdown(results)
    if len(seeds) > 1:
        markdown += "\n\n## Seed sweep\n\n" + seed_table_markdown(results)
    (summary_dir / "summary.json").write_text(json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False))
    (summary_dir / "summary.md").write_text(markdown + "\n", encoding="utf-8")
    print(summary_text(results))
    if len(seeds) > 1:
        print()
        print(seed_table_text(results))
    print(f"summary written to {summary_dir / 'summary.md'} and summary.json")
    if args.publish:
        command = f"aigc-run --profile {profile}"  # only the public flags: no local paths in a committed file
        command += f" --only {','.join(args.only)}" if args.only else ""
        command += f" --seeds {','.join(map(str, seeds))}" if seeds != [0] else ""
        command += " --in-place" if args.in_place else ""
        command += " --allow-network" if args.allow_network else ""
        md_path, json_path = publish_results(results, profile, args.results_dir, command=command + " --publish")
        print(f"results page written to {md_path} and {json_path.name}")
    return 1 if any(r.status != "passed" for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
