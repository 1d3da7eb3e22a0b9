"""The map of the 150 source interview questions to the notebooks that answer them.

``data/questions.csv`` (columns ``id, notebook, also_in, question_zh,
question_en``) is the single source; each notebook's opening "questions" cell
lists exactly the ids the CSV gives it (tested). ``python -m
aigc_utils.questions 04`` prints that cell's Markdown for notebook 04.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from aigc_utils import _validate

REPO_ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_CSV = REPO_ROOT / "data" / "questions.csv"
QUESTION_ID = re.compile(r"\b00[0-4]-Q(?:30|[12][0-9]|[1-9])\b")


@dataclass(frozen=True)
class Question:
    """One source question: its id, primary notebook, optional second notebook and texts."""

    id: str
    notebook: str
    also_in: str
    question_zh: str
    question_en: str


def load_questions(path: Path | str = QUESTIONS_CSV) -> list[Question]:
    """Read the question map (in file order).

    Raises:
        FileNotFoundError: the file is missing.
        ValueError: the header is not ``id,notebook,also_in,question_zh,question_en``.
    """
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        expected = ["id", "notebook", "also_in", "question_zh", "question_en"]
        if reader.fieldnames != expected:
            raise ValueError(f"{path} must have the header {','.join(expected)}, got {reader.fieldnames}")
        return [Question(**row) for row in reader]


def _notebook_number(notebook: int | str) -> str:
    if isinstance(notebook, str) and notebook.isdigit():
        notebook = int(notebook)
    number = _validate.positive_int("notebook", notebook)
    if number > 30:
        raise ValueError(f"notebook must be between 1 and 30, got {number}")
    return f"{number:02d}"


def questions_for(notebook: int | str, questions: list[Question] | None = None) -> tuple[list[Question], list[Question]]:
    """The questions notebook ``notebook`` answers: (primary ones, ones it also touches)."""
    number = _notebook_number(notebook)
    questions = load_questions() if questions is None else questions
    return [q for q in questions if q.notebook == number], [q for q in questions if q.also_in == number]


def questions_markdown(notebook: int | str) -> str:
    """The Markdown of a notebook's opening questions cell (Chinese paraphrase and English)."""
    primary, also = questions_for(notebook)
    lines = ["## 面试题 · Interview questions answered here", ""]
    lines += [f"- **{q.id}** {q.question_zh}<br>*{q.question_en}*" for q in primary]
    if also:
        lines += ["", "Also touched here (answered mainly in notebook " + ", ".join(sorted({q.notebook for q in also})) + "):", ""]
        lines += [f"- **{q.id}** {q.question_zh}<br>*{q.question_en}*" for q in also]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m aigc_utils.questions NN``: print notebook NN's questions cell."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m aigc_utils.questions NN", file=sys.stderr)
        return 2
    print(questions_markdown(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
