"""``check``: the one way a notebook asserts its lesson.

A notebook states what it has shown as a claim with a measured value and a bar::

    check("judge confidence on GAN samples", confidence, at_least=0.85)

The call records the result as a display output with a MIME type of its own
(``application/vnd.aigc.check+json``, with a readable ``text/plain`` beside
it), so every executed notebook, the committed ones included, carries its
results: the runner's summary and the README table are read from there. When
the value misses the bar, ``check`` raises an ``AssertionError`` that names the
claim, the value and the bar, and the notebook (and its test) fails.
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import asdict, dataclass
from collections.abc import Iterator
from typing import Any

CHECK_MIME = "application/vnd.aigc.check+json"
RUN_MIME = "application/vnd.aigc.run+json"

_recorded: list["CheckResult"] = []


@dataclass(frozen=True)
class CheckResult:
    """One checked claim: the measured value, its bars and an optional baseline."""

    claim: str
    value: float
    at_least: float | None
    at_most: float | None
    baseline: float | None
    baseline_label: str | None
    passed: bool

    @property
    def bar(self) -> str:
        """The bar in words, e.g. ``>= 0.85`` or ``in [19.9, 20.1]``."""
        if self.at_least is not None and self.at_most is not None:
            return f"in [{_fmt(self.at_least)}, {_fmt(self.at_most)}]"
        if self.at_least is not None:
            return f">= {_fmt(self.at_least)}"
        return f"<= {_fmt(self.at_most)}"

    def _ipython_display_(self) -> None:
        """Show nothing: ``check`` has already displayed the result (avoids a second copy
        when ``check(...)`` is the last line of a cell)."""
        return None

    def line(self) -> str:
        """A one-line, human-readable account of the check."""
        mark = "PASS" if self.passed else "FAIL"
        text = f"[{mark}] {self.claim}: {_fmt(self.value)} (bar {self.bar})"
        if self.baseline is not None:
            text += f"; {self.baseline_label or 'baseline'} {_fmt(self.baseline)}"
        return text


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if math.isinf(x) or math.isnan(x):
        return str(x)
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        return f"{x:.3g}"
    return f"{x:.4g}"


def _number(name: str, value: Any) -> float:
    # Accept Python, NumPy and 0-d torch numbers; reject everything else by name.
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def check(
    claim: str,
    value: Any,
    *,
    at_least: Any = None,
    at_most: Any = None,
    baseline: Any = None,
    baseline_label: str | None = None,
) -> CheckResult:
    """Assert a measured result against a bar and record it for the runner.

    Args:
        claim: what is being shown, in words a reader understands.
        value: the measured number (Python, NumPy or 0-d torch).
        at_least: the value must be >= this (inclusive).
        at_most: the value must be <= this (inclusive). Give one bar or both.
        baseline: an optional number to show beside the value (the thing the
            method is compared with: a real-data floor, a simple baseline).
        baseline_label: what the baseline is, e.g. ``"1-Gaussian"``.

    Returns:
        The recorded ``CheckResult`` (when it passed).

    Raises:
        TypeError: a number argument is not a real number, or ``claim`` is not a string.
        ValueError: no bar is given, the bars contradict each other, or the
            value is NaN.
        AssertionError: the value misses the bar; the message names the claim,
            the value and the bar.
    """
    if not isinstance(claim, str) or not claim.strip():
        raise TypeError("claim must be a non-empty string")
    value_f = _number("value", value)
    if math.isnan(value_f):
        raise ValueError(f"value of {claim!r} is NaN: the experiment produced no number")
    lo = None if at_least is None else _number("at_least", at_least)
    hi = None if at_most is None else _number("at_most", at_most)
    base = None if baseline is None else _number("baseline", baseline)
    if lo is None and hi is None:
        raise ValueError("give at_least, at_most or both: a check without a bar cannot fail")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"at_least ({lo}) must not exceed at_most ({hi})")
    if baseline_label is not None and not isinstance(baseline_label, str):
        raise TypeError("baseline_label must be a string or None")

    passed = (lo is None or value_f >= lo) and (hi is None or value_f <= hi)
    result = CheckResult(claim, value_f, lo, hi, base, baseline_label, passed)
    _recorded.append(result)
    display_record(CHECK_MIME, asdict(result), result.line())
    if not passed:
        raise AssertionError(
            f"check failed: {claim}: measured {_fmt(value_f)}, bar {result.bar}"
            + (f" ({baseline_label or 'baseline'} {_fmt(base)})" if base is not None else "")
        )
    return result


def display_record(mime: str, record: dict, text: str) -> None:
    """Show ``record`` as a display output of MIME type ``mime`` (with ``text`` beside it)
    when running under IPython; print ``text`` otherwise."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is not None and get_ipython() is not None:
        display({mime: record, "text/plain": text}, raw=True)
    else:
        print(text)


def recorded_checks() -> list[CheckResult]:
    """The checks recorded since the last ``clear_checks()`` (in order)."""
    return list(_recorded)


def clear_checks() -> None:
    """Forget recorded checks (``aigc_utils.start`` calls this at the top of a notebook)."""
    _recorded.clear()


def _records(notebook: dict | Any, mime: str) -> Iterator[dict[str, Any]]:
    """Every output record of MIME type ``mime`` in an executed notebook, in order."""
    cells = notebook.get("cells") if hasattr(notebook, "get") else None
    if not isinstance(cells, list):
        raise TypeError("notebook must be a notebook dict (nbformat) with a 'cells' list")
    for cell in cells:
        for output in cell.get("outputs", []) or []:
            record = (output.get("data", {}) or {}).get(mime)
            if record is not None:
                yield json.loads(record) if isinstance(record, str) else dict(record)


def run_record_from_notebook(notebook: dict | Any) -> dict | None:
    """The run record (seconds, device, profile, seed) of an executed notebook, or None.

    Raises:
        TypeError: ``notebook`` has no ``cells`` list.
    """
    return next(_records(notebook, RUN_MIME), None)


def checks_from_notebook(notebook: dict | Any) -> list[CheckResult]:
    """Read the check records out of an executed notebook (an nbformat node or a plain dict).

    Raises:
        TypeError: ``notebook`` has no ``cells`` list.
    """
    found = []
    for record in _records(notebook, CHECK_MIME):
        fields: dict[str, Any] = {k: record.get(k) for k in CheckResult.__dataclass_fields__}
        found.append(CheckResult(**fields))
    return found
