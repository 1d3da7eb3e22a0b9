"""The interview question bank: all 150 source questions with a 60-second answer each.

Sources (all under ``data/``):

- ``questions.csv``: id, primary notebook, second notebook, Chinese and English question;
- ``answers.csv``: id, ``answer_en`` (a 60-second answer, about 60-110 words),
  ``answer_zh`` (one or two sentences) and ``section``: the exact text of the
  ``##``/``###`` heading in the primary notebook that demonstrates the answer, or
  empty while that notebook is not written yet;
- ``notebooks.csv``: number and title of each notebook.

The generated page, ``data/question_bank.md``, groups the questions by topic and
links every question to its notebook and to the section inside it. Each notebook
also gets an anchor ``notebook-NN`` (``data/question_bank.md#notebook-NN``) that
lists the questions it answers, for the README's notebook table::

    python -m aigc_utils.question_bank                     # rewrite data/question_bank.md
    python -m aigc_utils.question_bank --check             # exit 1 if the file is out of date
    python -m aigc_utils.question_bank --missing-sections  # questions whose section is still empty

Heading anchors come in two styles, both from :func:`section_anchors`: GitHub's
(lower case, punctuation dropped, spaces to ``-``), used by the committed page,
and nbconvert 7's (the heading's text with spaces turned into ``-`` and
URL-quoted, case kept), which the HTML pages of the rendered book carry.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from aigc_utils import _validate
from aigc_utils.questions import REPO_ROOT, Question, _notebook_number, load_questions

ANSWERS_CSV = REPO_ROOT / "data" / "answers.csv"
QUESTION_BANK_MD = REPO_ROOT / "data" / "question_bank.md"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
NOTEBOOKS_CSV = REPO_ROOT / "data" / "notebooks.csv"
ANSWER_COLUMNS = ["id", "answer_en", "answer_zh", "section"]
LINK_STYLES = ("github", "book")

#: File names of notebooks that are planned but may not be on disk yet; a file
#: found in ``notebooks/`` with the same number always wins.
PLANNED_NOTEBOOK_FILES = {
    "02": "02_data_cleaning_and_preprocessing.ipynb",
    "15": "15_image_restoration.ipynb",
    "16": "16_style_transfer_and_translation.ipynb",
    "17": "17_inpainting_and_editing.ipynb",
    "18": "18_recognition_and_segmentation.ipynb",
    "19": "19_captioning_and_multimodal_fusion.ipynb",
    "20": "20_video_prediction_and_recognition.ipynb",
    "26": "26_evaluating_generative_models.ipynb",
    "27": "27_training_optimisation_and_transfer.ipynb",
    "28": "28_compression_and_fast_inference.ipynb",
    "29": "29_interpretability_and_uncertainty.ipynb",
    "30": "30_trustworthy_aigc.ipynb",
}


@dataclass(frozen=True)
class Answer:
    """One row of ``answers.csv``: the 60-second answers to one question and its notebook section."""

    id: str
    answer_en: str
    answer_zh: str
    section: str


@dataclass(frozen=True)
class Topic:
    """A group of questions in the bank: a key (its anchor), titles and the notebooks it gathers."""

    key: str
    title: str
    title_zh: str
    notebooks: tuple[str, ...]


@dataclass(frozen=True)
class SectionAnchors:
    """The anchor of one notebook heading in GitHub's style and in nbconvert 7's HTML."""

    github: str
    nbconvert: str


TOPICS: tuple[Topic, ...] = (
    Topic("foundations", "Foundations: what AIGC is", "基础：什么是 AIGC", ("01",)),
    Topic("data", "Data: cleaning, augmentation, imbalance, synthetic data", "数据：清洗、增强、不平衡与合成数据", ("02", "03")),
    Topic("gans", "GANs: adversarial training, mode collapse, text GANs", "生成对抗网络", ("04", "05")),
    Topic("vaes", "VAEs, latent spaces and 3-D", "变分自编码器、潜空间与三维", ("06",)),
    Topic("diffusion", "Diffusion models and technical trends", "扩散模型与技术趋势", ("07",)),
    Topic("text", "Text: language models, Transformers, long text, classification", "文本：语言模型、Transformer、长文本与分类", ("08", "09", "10", "13", "14")),
    Topic("dialogue-rag", "Dialogue, knowledge and RAG", "对话、知识注入与检索增强", ("11", "12")),
    Topic("vision-video", "Vision and video: restoration, translation, editing, recognition, captioning, video", "视觉与视频", ("15", "16", "17", "18", "19", "20")),
    Topic("audio-music", "Audio, speech and music", "音频、语音与音乐", ("21", "22", "23")),
    Topic("evaluation", "Evaluating generative models", "生成模型评估", ("26",)),
    Topic("training-deployment", "Training, alignment, compression and inference", "训练、对齐、压缩与推理", ("25", "27", "28")),
    Topic("trust-safety", "Trust and safety: interpretability, uncertainty, privacy, robustness, law", "可信：可解释性、不确定性、隐私、鲁棒性与法规", ("29", "30")),
    Topic("applications", "Applications: industries, business, recommendation", "行业与商业应用、推荐", ("24",)),
)

#: Questions whose topic is not their notebook's: industry and business questions
#: gather under "applications", text GANs under "gans".
TOPIC_OVERRIDES: dict[str, str] = {
    **{
        qid: "applications"
        for qid in (
            "002-Q17", "002-Q28", "002-Q29", "002-Q30", "003-Q18", "003-Q19", "003-Q20", "003-Q21",
            "003-Q22", "003-Q23", "003-Q25", "003-Q26", "003-Q27", "003-Q29", "003-Q30",
        )
    },
    "004-Q15": "gans",
    "004-Q29": "gans",
}

_GITHUB_DROPPED = ("P", "S", "Z", "C", "No")  # Unicode categories GitHub drops (but "-", "_" and " " stay)
_NBCONVERT_SAFE = "?/:@!$&'()*+,;="
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def _heading_text(heading: str) -> str:
    """The plain text a Markdown renderer shows for ``heading`` (inline markup removed)."""
    parts = []
    last = 0
    for match in _CODE_SPAN.finditer(heading):
        parts.append(_plain(heading[last : match.start()]))
        parts.append(match.group(2).strip())
        last = match.end()
    parts.append(_plain(heading[last:]))
    return "".join(parts).strip()


def _plain(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    for _ in range(2):
        text = _STRONG.sub(r"\2", text)
        text = _EMPHASIS.sub(r"\2", text)
    return text


def _check_heading(heading: str) -> str:
    if not isinstance(heading, str):
        raise TypeError(f"heading must be a string, got {type(heading).__name__}")
    text = _heading_text(heading.lstrip("#").strip())
    if not text:
        raise ValueError("heading must contain some text, got an empty heading")
    return text


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: ``"1 · AIGC in one page"`` -> ``"1--aigc-in-one-page"``.

    The heading's rendered text is lower-cased, punctuation and symbols are dropped
    (letters of any script, digits, ``-`` and ``_`` stay) and every space becomes ``-``.
    Leading ``#`` marks are ignored.

    Raises:
        TypeError: ``heading`` is not a string.
        ValueError: ``heading`` has no text.
    """
    text = _check_heading(heading).lower()
    kept = [
        ch
        for ch in text
        if ch in "-_ " or not unicodedata.category(ch).startswith(_GITHUB_DROPPED) or unicodedata.category(ch) == "Pc"
    ]
    return "".join(kept).replace(" ", "-")


def nbconvert_anchor(heading: str) -> str:
    """The ``id`` nbconvert 7 gives a Markdown heading in HTML: ``"1 · AIGC"`` -> ``"1-%C2%B7-AIGC"``.

    nbconvert takes the rendered heading's text, replaces spaces with ``-`` and
    URL-quotes the rest (case and most punctuation are kept); see
    ``nbconvert.filters.strings.add_anchor``. Leading ``#`` marks are ignored.

    Raises:
        TypeError: ``heading`` is not a string.
        ValueError: ``heading`` has no text.
    """
    return quote(_check_heading(heading).replace(" ", "-"), safe=_NBCONVERT_SAFE)


def section_anchors(heading: str) -> SectionAnchors:
    """Both anchors of a notebook heading: GitHub's (Markdown pages) and nbconvert's (the HTML book).

    Raises:
        TypeError: ``heading`` is not a string.
        ValueError: ``heading`` has no text.
    """
    return SectionAnchors(github=github_anchor(heading), nbconvert=nbconvert_anchor(heading))


def load_answers(path: Path | str = ANSWERS_CSV) -> list[Answer]:
    """Read ``answers.csv`` (in file order).

    Raises:
        FileNotFoundError: the file is missing.
        ValueError: the header is not ``id,answer_en,answer_zh,section``, an id repeats,
            or an answer is empty.
    """
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ANSWER_COLUMNS:
            raise ValueError(f"{path} must have the header {','.join(ANSWER_COLUMNS)}, got {reader.fieldnames}")
        answers = [Answer(**row) for row in reader]
    seen: set[str] = set()
    for answer in answers:
        if answer.id in seen:
            raise ValueError(f"{path}: id {answer.id} appears more than once")
        if not answer.answer_en.strip() or not answer.answer_zh.strip():
            raise ValueError(f"{path}: {answer.id} needs both answer_en and answer_zh")
        seen.add(answer.id)
    return answers


def notebook_file(notebook: int | str, notebooks_dir: Path | str = NOTEBOOKS_DIR) -> str:
    """The file name of notebook ``notebook``: the one on disk, else its planned name.

    Raises:
        TypeError: ``notebook`` is not an integer or a string of digits.
        ValueError: ``notebook`` is not between 1 and 30, or the notebook is neither
            on disk nor planned.
    """
    number = _notebook_number(notebook)
    found = sorted(Path(notebooks_dir).glob(f"{number}_*.ipynb"))
    if found:
        return found[0].name
    if number in PLANNED_NOTEBOOK_FILES:
        return PLANNED_NOTEBOOK_FILES[number]
    raise ValueError(f"notebook {number} is neither in {notebooks_dir} nor in PLANNED_NOTEBOOK_FILES")


def notebook_headings(path: Path | str, levels: tuple[int, ...] = (2, 3)) -> list[str]:
    """The text of the Markdown headings of the given levels in a notebook, in order.

    Lines inside fenced code blocks are skipped; the ``#`` marks are removed.

    Raises:
        FileNotFoundError: the notebook is missing.
        ValueError: ``levels`` is empty or holds a level outside 1..6.
    """
    import nbformat

    if not levels or any(not isinstance(level, int) or not 1 <= level <= 6 for level in levels):
        raise ValueError(f"levels must be a non-empty tuple of integers between 1 and 6, got {levels!r}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    headings = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            match = None if fenced else _HEADING.match(line)
            if match and len(match.group(1)) in levels:
                headings.append(match.group(2))
    return headings


def topic_of(question: Question) -> Topic:
    """The topic a question is listed under (its notebook's, unless ``TOPIC_OVERRIDES`` names another).

    Raises:
        TypeError: ``question`` is not a ``Question``.
        ValueError: no topic covers the question's notebook.
    """
    if not isinstance(question, Question):
        raise TypeError(f"question must be a Question, got {type(question).__name__}")
    key = TOPIC_OVERRIDES.get(question.id)
    for topic in TOPICS:
        if topic.key == key or (key is None and question.notebook in topic.notebooks):
            return topic
    raise ValueError(f"question {question.id}: no topic covers notebook {question.notebook}")


def missing_sections(
    answers: list[Answer] | None = None, questions: list[Question] | None = None
) -> dict[str, list[str]]:
    """``{notebook: [question ids]}`` of answers whose ``section`` is still empty (the lead fills them).

    Raises:
        ValueError: an answer's id is not a question id.
    """
    answers = load_answers() if answers is None else answers
    questions = load_questions() if questions is None else questions
    notebook_of = {q.id: q.notebook for q in questions}
    missing: dict[str, list[str]] = {}
    for answer in answers:
        if answer.id not in notebook_of:
            raise ValueError(f"answers: id {answer.id} is not in the question list")
        if not answer.section.strip():
            missing.setdefault(notebook_of[answer.id], []).append(answer.id)
    return dict(sorted(missing.items()))


def _notebook_titles(path: Path = NOTEBOOKS_CSV) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["notebook"]: row["title"] for row in csv.DictReader(handle)}


def _question_anchor(question_id: str) -> str:
    return "q-" + question_id.lower()


def question_bank_markdown(
    questions: list[Question] | None = None,
    answers: list[Answer] | None = None,
    notebooks_dir: Path | str = NOTEBOOKS_DIR,
    link_style: str = "github",
) -> str:
    """The Markdown of ``data/question_bank.md``.

    ``link_style="github"`` (the committed page) links ``../notebooks/NN_slug.ipynb#github-anchor``;
    ``link_style="book"`` links ``NN_slug.html#nbconvert-anchor``, for the HTML book whose
    notebook pages sit next to the rendered question bank.

    Raises:
        ValueError: ``link_style`` is unknown, or the answers do not cover every question
            exactly once.
    """
    _validate.one_of("link_style", link_style, LINK_STYLES)
    questions = load_questions() if questions is None else questions
    answers = load_answers() if answers is None else answers
    by_id = {a.id: a for a in answers}
    question_ids = [q.id for q in questions]
    if len(by_id) != len(answers) or set(by_id) != set(question_ids):
        lacking = sorted(set(question_ids) - set(by_id))
        extra = sorted(set(by_id) - set(question_ids))
        raise ValueError(f"answers must cover every question exactly once; missing {lacking}, unknown {extra}")
    titles = _notebook_titles()
    files = {number: notebook_file(number, notebooks_dir) for number in titles}

    def notebook_href(number: str, section: str = "") -> str:
        name = files[number]
        if link_style == "book":
            base = name.removesuffix(".ipynb") + ".html"
            return base + (f"#{nbconvert_anchor(section)}" if section else "")
        return f"../notebooks/{name}" + (f"#{github_anchor(section)}" if section else "")

    grouped: dict[str, list[Question]] = {topic.key: [] for topic in TOPICS}
    for question in sorted(questions, key=lambda q: (q.notebook, question_ids.index(q.id))):
        grouped[topic_of(question).key].append(question)

    lines = [
        "<!-- generated by python -m aigc_utils.question_bank from data/questions.csv and data/answers.csv; do not edit -->",
        "",
        "# Interview question bank · 面试题库",
        "",
        f"The {len(questions)} interview questions of the course's five source documents, grouped by topic, each with",
        "a 60-second answer in English and a short one in Chinese, and links to the notebook that demonstrates it and",
        "to the section where it does. The answers are the course's own: where the source documents are wrong, the",
        "answer says what is right. They describe what each notebook measures without quoting numbers; the measured",
        "values are in each notebook's results table.",
        "",
        "## Contents",
        "",
    ]
    for topic in TOPICS:
        lines.append(f"- [{topic.title} · {topic.title_zh}](#topic-{topic.key}) ({len(grouped[topic.key])})")
    lines.append("- [Questions by notebook](#questions-by-notebook)")
    for topic in TOPICS:
        lines += ["", f'<a id="topic-{topic.key}"></a>', "", f"## {topic.title} · {topic.title_zh}"]
        for question in grouped[topic.key]:
            answer = by_id[question.id]
            number = question.notebook
            links = [f"notebook [{number} · {titles[number]}]({notebook_href(number)})"]
            if answer.section:
                links.append(f"section [{answer.section}]({notebook_href(number, answer.section)})")
            else:
                links.append("section: to be linked when the notebook is written")
            if question.also_in:
                links.append(f"also in [{question.also_in} · {titles[question.also_in]}]({notebook_href(question.also_in)})")
            lines += [
                "",
                f'<a id="{_question_anchor(question.id)}"></a>',
                "",
                f"### {question.id} · {question.question_zh}",
                "",
                f"*{question.question_en}*",
                "",
                f"**60-second answer.** {answer.answer_en}",
                "",
                f"**简答。** {answer.answer_zh}",
                "",
                "→ " + " · ".join(links),
            ]
    lines += ["", "## Questions by notebook", ""]
    lines.append("Each notebook's anchor (`#notebook-NN`) lists the questions it answers and the ones it also touches.")
    for number, title in titles.items():
        primary = [q.id for q in questions if q.notebook == number]
        also = [q.id for q in questions if q.also_in == number]
        lines += ["", f'<a id="notebook-{number}"></a>', "", f"### {number} · {title}", ""]
        entry = f"[{files[number]}]({notebook_href(number)}): " + ", ".join(
            f"[{qid}](#{_question_anchor(qid)})" for qid in primary
        )
        if also:
            entry += "; also touches " + ", ".join(f"[{qid}](#{_question_anchor(qid)})" for qid in also)
        lines.append(entry)
    return "\n".join(lines) + "\n"


def write_question_bank(path: Path | str = QUESTION_BANK_MD) -> Path:
    """Write :func:`question_bank_markdown` to ``path`` (UTF-8) and return the path.

    Raises:
        ValueError: see :func:`question_bank_markdown`.
    """
    path = Path(path)
    path.write_text(question_bank_markdown(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m aigc_utils.question_bank [--check | --missing-sections]``."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--check"]:
        current = QUESTION_BANK_MD.read_text(encoding="utf-8") if QUESTION_BANK_MD.exists() else ""
        if current != question_bank_markdown():
            print(f"{QUESTION_BANK_MD.name} is out of date: run python -m aigc_utils.question_bank", file=sys.stderr)
            return 1
        return 0
    if args == ["--missing-sections"]:
        missing = missing_sections()
        for number, ids in missing.items():
            print(f"notebook {number}: {', '.join(ids)}")
        print(f"{sum(len(ids) for ids in missing.values())} questions without a section")
        return 0
    if args:
        print("usage: python -m aigc_utils.question_bank [--check | --missing-sections]", file=sys.stderr)
        return 2
    print(f"wrote {write_question_bank()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
