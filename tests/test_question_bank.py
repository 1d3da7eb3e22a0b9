"""The interview question bank: answers.csv covers every question, links resolve, the page is current."""

import csv
import html
import re
import warnings

import pytest

from aigc_utils.question_bank import (
    ANSWERS_CSV,
    NOTEBOOKS_DIR,
    PLANNED_NOTEBOOK_FILES,
    QUESTION_BANK_MD,
    TOPIC_OVERRIDES,
    TOPICS,
    Answer,
    github_anchor,
    load_answers,
    main,
    missing_sections,
    nbconvert_anchor,
    notebook_file,
    notebook_headings,
    question_bank_markdown,
    section_anchors,
    topic_of,
)
from aigc_utils.questions import load_questions
from aigc_utils.report import notebook_titles

#: Notebooks whose answers may still have an empty ``section`` because the notebook was
#: being written when the answers were. Remove a number once its sections are filled
#: (the test below fails while a listed notebook has none left empty); the list must end empty.
NOTEBOOKS_WITHOUT_SECTIONS: set[str] = set()

QUESTION_IDS = [q.id for q in load_questions()]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _bank() -> str:
    return QUESTION_BANK_MD.read_text(encoding="utf-8")


def test_every_question_has_exactly_one_answer():
    with ANSWERS_CSV.open(encoding="utf-8", newline="") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert sorted(ids) == sorted(QUESTION_IDS), "answers.csv must answer every id of questions.csv, nothing else"
    assert len(ids) == len(set(ids)) == 150, "each id exactly once"


def test_answers_are_sixty_second_answers_in_both_languages():
    for answer in load_answers():
        words = len(answer.answer_en.split())
        assert 55 <= words <= 115, f"{answer.id}: answer_en has {words} words (aim for about 60-110)"
        assert not CJK.search(answer.answer_en), f"{answer.id}: answer_en should be English"
        assert CJK.search(answer.answer_zh), f"{answer.id}: answer_zh has no Chinese"
        sentences = [s for s in re.split(r"[。！？]", answer.answer_zh) if s.strip()]
        assert len(sentences) <= 2, f"{answer.id}: answer_zh should be one or two sentences"


def test_every_question_appears_exactly_once_in_the_bank():
    bank = _bank()
    for qid in QUESTION_IDS:
        assert bank.count(f'<a id="q-{qid.lower()}"></a>') == 1, f"{qid}: one anchor in question_bank.md"
        assert len(re.findall(rf"^### {re.escape(qid)} · ", bank, flags=re.M)) == 1, f"{qid}: one heading"


def test_every_notebook_has_an_index_anchor():
    bank = _bank()
    for number in notebook_titles():
        assert bank.count(f'<a id="notebook-{number}"></a>') == 1, f"question_bank.md#notebook-{number} is missing"


def test_notebook_links_point_to_existing_or_planned_notebooks():
    titles = notebook_titles()
    links = re.findall(r"\]\(\.\./notebooks/([^)#\s]+)(?:#[^)\s]*)?\)", _bank())
    assert links, "question_bank.md links no notebook"
    for name in set(links):
        number = name[:2]
        on_disk = (NOTEBOOKS_DIR / name).is_file()
        planned = number in titles and PLANNED_NOTEBOOK_FILES.get(number) == name
        assert on_disk or planned, f"link to {name}: neither on disk nor a planned notebook of data/notebooks.csv"


def test_sections_are_headings_of_their_notebook():
    notebook_of = {q.id: q.notebook for q in load_questions()}
    for answer in load_answers():
        if not answer.section:
            continue
        path = NOTEBOOKS_DIR / notebook_file(notebook_of[answer.id])
        assert path.is_file(), f"{answer.id}: section given but {path.name} is not on disk"
        headings = notebook_headings(path, levels=(2, 3))
        assert answer.section in headings, f"{answer.id}: no ##/### heading {answer.section!r} in {path.name}"


def test_sections_still_missing_are_listed_and_shrink():
    missing = missing_sections()
    for number, ids in missing.items():
        on_disk = "on disk: fill its sections" if list(NOTEBOOKS_DIR.glob(f"{number}_*.ipynb")) else "not written yet"
        print(f"notebook {number} ({on_disk}): no section yet for {', '.join(ids)}")
    if missing:
        warnings.warn(
            f"{sum(map(len, missing.values()))} answers still lack a section, in notebooks {', '.join(missing)}",
            UserWarning,
            stacklevel=1,
        )
    unlisted = set(missing) - NOTEBOOKS_WITHOUT_SECTIONS
    assert not unlisted, f"empty sections in notebooks {sorted(unlisted)}, which are not in NOTEBOOKS_WITHOUT_SECTIONS"
    done = NOTEBOOKS_WITHOUT_SECTIONS - set(missing)
    assert not done, f"notebooks {sorted(done)} have all their sections: remove them from NOTEBOOKS_WITHOUT_SECTIONS"


def test_committed_question_bank_is_current():
    assert _bank() == question_bank_markdown(), "run: python -m aigc_utils.question_bank"
    assert main(["--check"]) == 0


def test_every_question_has_a_topic_and_every_topic_questions():
    keys = [topic.key for topic in TOPICS]
    assert len(keys) == len(set(keys))
    assert set(TOPIC_OVERRIDES) <= set(QUESTION_IDS) and set(TOPIC_OVERRIDES.values()) <= set(keys)
    used = {topic_of(q).key for q in load_questions()}
    assert used == set(keys), f"topics without questions: {set(keys) - used}"
    covered = [n for topic in TOPICS for n in topic.notebooks]
    assert sorted(covered) == sorted(notebook_titles()), "each notebook belongs to exactly one topic"


def test_github_anchors():
    assert github_anchor("1 · AIGC in one page") == "1--aigc-in-one-page"
    assert github_anchor("## 4. Word embeddings, averaged: `nn.EmbeddingBag`") == "4-word-embeddings-averaged-nnembeddingbag"
    assert github_anchor("5. A conditional VAE: choose *what*, sample *how*") == "5-a-conditional-vae-choose-what-sample-how"
    assert github_anchor("面试题 · Interview questions") == "面试题--interview-questions"
    assert github_anchor("snake_case and kebab-case (C++)") == "snake_case-and-kebab-case-c"


def test_nbconvert_anchors_match_nbconvert_on_every_notebook_heading():
    markdown2html = pytest.importorskip("nbconvert.filters.markdown_mistune").markdown2html_mistune
    headings = [h for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")) for h in notebook_headings(path, levels=(1, 2, 3, 4))]
    headings += ["A & B < C", "Tokens, `code` and **bold**"]
    for heading in headings:
        rendered = re.search(r'<h2 id="([^"]*)"', markdown2html("## " + heading))
        assert rendered and html.unescape(rendered.group(1)) == nbconvert_anchor(heading), heading
    assert section_anchors("1 · AIGC in one page").nbconvert == "1-%C2%B7-AIGC-in-one-page"


def test_book_links_use_html_pages_and_nbconvert_anchors():
    book = question_bank_markdown(link_style="book")
    assert "](01_what_generative_models_are.html#1-%C2%B7-AIGC-in-one-page)" in book
    assert "../notebooks/" not in book


def test_notebook_file_on_disk_and_planned(tmp_path):
    assert notebook_file(1) == "01_what_generative_models_are.ipynb"
    assert notebook_file("02", tmp_path) == PLANNED_NOTEBOOK_FILES["02"]
    (tmp_path / "02_other_name.ipynb").write_text("{}")
    assert notebook_file(2, tmp_path) == "02_other_name.ipynb"
    with pytest.raises(ValueError, match="notebook"):
        notebook_file(1, tmp_path)


def test_bad_input(tmp_path):
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("id,answer\n000-Q1,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        load_answers(bad_header)
    twice = tmp_path / "twice.csv"
    twice.write_text("id,answer_en,answer_zh,section\n000-Q1,a,甲,\n000-Q1,b,乙,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="more than once"):
        load_answers(twice)
    empty = tmp_path / "empty.csv"
    empty.write_text("id,answer_en,answer_zh,section\n000-Q1,a,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="answer_zh"):
        load_answers(empty)
    with pytest.raises(TypeError, match="heading"):
        github_anchor(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="heading"):
        nbconvert_anchor("## ")
    with pytest.raises(ValueError, match="notebook"):
        notebook_file(31)
    with pytest.raises(TypeError, match="notebook"):
        notebook_file(4.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="levels"):
        notebook_headings(NOTEBOOKS_DIR / notebook_file(1), levels=())
    with pytest.raises(FileNotFoundError):
        notebook_headings(tmp_path / "nothing.ipynb")
    with pytest.raises(TypeError, match="question"):
        topic_of("000-Q1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="link_style"):
        question_bank_markdown(link_style="pdf")
    with pytest.raises(ValueError, match="answers"):
        question_bank_markdown(answers=load_answers()[:-1])
    with pytest.raises(ValueError, match="answers"):
        missing_sections(answers=[Answer("005-Q1", "a", "甲", "")])
    assert main(["--no-such-flag"]) == 2
