import math

import pytest
import sacrebleu

from aigc_utils.metrics.text import (
    bits_per_char,
    bleu,
    distinct_n,
    perplexity,
    repeated_ngram_share,
    self_bleu,
)

HYPS = [
    "The cat sat on the mat.",
    "A quick brown fox jumps over the lazy dog!",
    "Diffusion models denoise step by step, don't they?",
    "short",
    "It is raining today in the city of Hangzhou.",
]
REFS_A = [
    "The cat is sitting on the mat.",
    "The quick brown fox jumped over the lazy dog.",
    "Diffusion models remove noise step by step.",
    "a short answer",
    "Today it rains in Hangzhou.",
]
REFS_B = [
    "There is a cat on the mat.",
    "A fast brown fox leaps over a lazy dog!",
    "Step by step, diffusion models denoise.",
    "short",
    "It is raining in the city today.",
]


@pytest.mark.parametrize("refs", [[REFS_A], [REFS_A, REFS_B]])
def test_bleu_equals_sacrebleu(refs):
    expected = sacrebleu.corpus_bleu(HYPS, refs).score
    assert bleu(HYPS, refs) == pytest.approx(expected, abs=1e-9)


def test_bleu_single_stream_and_chinese_tokenizers():
    assert bleu(HYPS, REFS_A) == pytest.approx(sacrebleu.corpus_bleu(HYPS, [REFS_A]).score, abs=1e-9)
    hyps, refs = ["今天天气很好", "我喜欢这个手机"], ["今天的天气很好", "我很喜欢这部手机"]
    for tokenize in ("char", "zh"):
        expected = sacrebleu.corpus_bleu(hyps, [refs], tokenize=tokenize).score
        assert bleu(hyps, refs, tokenize=tokenize) == pytest.approx(expected, abs=1e-9)


def test_bleu_edge_cases_match_sacrebleu():
    for hyps, refs in ((["a b c"], ["d e f"]), (["a b"], ["a b c d e"]), (["the the the the"], ["the cat"])):
        assert bleu(hyps, refs) == pytest.approx(sacrebleu.corpus_bleu(hyps, [refs]).score, abs=1e-9)
    assert bleu(["same words here today"], ["same words here today"]) == pytest.approx(100.0)


@pytest.mark.parametrize(
    "hyps, refs, kwargs, error, match",
    [
        ("a b", ["a b"], {}, TypeError, "hypotheses"),
        ([], [], {}, ValueError, "empty"),
        (["a"], ["a", "b"], {}, ValueError, "1 strings"),
        (["a"], [1], {}, TypeError, "references"),
        (["a"], ["a"], {"tokenize": "moses"}, ValueError, "tokenize"),
    ],
)
def test_bleu_rejects_bad_input(hyps, refs, kwargs, error, match):
    with pytest.raises(error, match=match):
        bleu(hyps, refs, **kwargs)


def test_self_bleu_is_high_for_copies_and_low_for_varied_texts():
    copies = ["the model writes the same sentence"] * 4
    varied = ["cats purr softly", "stock prices fell sharply today", "music has rhythm", "rain in spring"]
    assert self_bleu(copies) == pytest.approx(100.0)
    assert self_bleu(varied) < 5.0
    with pytest.raises(ValueError, match="at least 2"):
        self_bleu(["one"])


def test_distinct_n_counts_unique_ngrams():
    assert distinct_n(["abab"], n=2) == pytest.approx(2 / 3)  # ab, ba, ab
    assert distinct_n([["a", "b"], ["a", "b"]], n=1) == pytest.approx(0.5)
    assert distinct_n(["abc", "def"], n=3) == 1.0
    with pytest.raises(ValueError, match="no 3-grams"):
        distinct_n(["ab"], n=3)
    with pytest.raises(TypeError, match="sequences"):
        distinct_n("abc", n=1)
    with pytest.raises(TypeError, match="item"):
        distinct_n([1, 2], n=1)


def test_repeated_ngram_share():
    assert repeated_ngram_share("abcdefgh", n=4) == 0.0
    assert repeated_ngram_share("abababab", n=2) == pytest.approx(1 - 2 / 7)
    with pytest.raises(ValueError, match="shorter"):
        repeated_ngram_share("abc", n=4)
    with pytest.raises(TypeError, match="sequence"):
        repeated_ngram_share(5, n=1)


def test_bits_per_char_and_perplexity():
    assert bits_per_char(100 * math.log(2), 100) == pytest.approx(1.0)
    assert perplexity(10 * math.log(4), 10) == pytest.approx(4.0)
    with pytest.raises(ValueError, match="total_nll_nats"):
        bits_per_char(-1.0, 3)
    with pytest.raises(ValueError, match="n_tokens"):
        perplexity(1.0, 0)
