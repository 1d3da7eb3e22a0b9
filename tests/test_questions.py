import re

import pytest

from aigc_utils.questions import QUESTION_ID, load_questions, questions_for, questions_markdown
from aigc_utils.report import notebook_titles
from notebook_files import NOTEBOOKS, read, tagged

ALL_IDS = [f"{seed:03d}-Q{n}" for seed in range(5) for n in range(1, 31)]
NOTEBOOK_NUMBERS = {f"{n:02d}" for n in range(1, 31)}


def test_every_source_question_appears_exactly_once():
    ids = [q.id for q in load_questions()]
    assert sorted(ids) == sorted(ALL_IDS), "data/questions.csv must list 000-Q1 .. 004-Q30 once each"
    assert len(ids) == len(set(ids)) == 150


def test_every_question_points_to_a_notebook_and_has_both_languages():
    for q in load_questions():
        assert q.notebook in NOTEBOOK_NUMBERS, f"{q.id}: notebook {q.notebook!r} not in 01..30"
        assert q.also_in == "" or (q.also_in in NOTEBOOK_NUMBERS and q.also_in != q.notebook), q.id
        assert re.search(r"[\u4e00-\u9fff]", q.question_zh), f"{q.id}: question_zh has no Chinese"
        assert q.question_en.endswith("?"), f"{q.id}: question_en should be a question"


def test_every_notebook_number_answers_something():
    assert {q.notebook for q in load_questions()} == NOTEBOOK_NUMBERS
    assert set(notebook_titles()) == NOTEBOOK_NUMBERS


def test_question_id_pattern():
    assert all(QUESTION_ID.fullmatch(i) for i in ALL_IDS)
    assert not QUESTION_ID.search("005-Q1") and not QUESTION_ID.search("000-Q31")


def test_questions_for_and_markdown():
    primary, also = questions_for(4)
    assert "004-Q3" in [q.id for q in primary] and "003-Q1" in [q.id for q in also]
    assert "003-Q1" in questions_markdown("04")
    with pytest.raises(ValueError, match="notebook"):
        questions_for(31)
    with pytest.raises(TypeError, match="notebook"):
        questions_for(4.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_questions_cell_lists_exactly_its_ids(path):
    cells = tagged(read(path), "questions")
    assert len(cells) == 1, "one markdown cell tagged 'questions'"
    listed = set(QUESTION_ID.findall(cells[0].source))
    primary, also = questions_for(path.name[:2])
    assert listed == {q.id for q in primary + also}
