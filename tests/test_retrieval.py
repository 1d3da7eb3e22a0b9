"""aigc_utils.retrieval: BM25 against a hand-computed example, fusion and recall, the offline encoder, the glossary data."""

import math
import re
import socket

import numpy as np
import pytest

from aigc_utils import retrieval
from aigc_utils.retrieval import (
    BM25,
    ENGLISH_STOP_WORDS,
    contains_fact,
    encode,
    load_glossary,
    load_glossary_questions,
    load_sentence_encoder,
    rank_scores,
    recall_at_k,
    reciprocal_rank_fusion,
    tokenize,
)

TINY = [["a", "b"], ["a", "c", "c"], ["d"]]


# ---- tokenize -------------------------------------------------------------------------------------
def test_tokenize_words_digits_and_chinese_characters():
    assert tokenize("The KV-cache of GPT-2") == ["kv", "cache", "gpt", "2"]
    assert tokenize("生成对抗网络 GAN") == ["生", "成", "对", "抗", "网", "络", "gan"]
    assert tokenize("The end", stop_words=None) == ["the", "end"]
    assert "the" in ENGLISH_STOP_WORDS


def test_tokenize_rejects_bad_input():
    with pytest.raises(TypeError, match="text"):
        tokenize(["not", "a", "string"])
    with pytest.raises(TypeError, match="stop_words"):
        tokenize("text", stop_words={"a"})


# ---- BM25 -----------------------------------------------------------------------------------------
def test_bm25_equals_hand_computed_example():
    # N = 3 documents, average length (2 + 3 + 1) / 3 = 2, k1 = 1.5, b = 0.75, query "a c".
    # idf(a) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6) = 0.470004
    # idf(c) = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(2.666667) = 0.980829
    # doc 0 (length 2): norm = 1.5 * (0.25 + 0.75 * 2 / 2) = 1.5; a: 1 * 2.5 / (1 + 1.5) = 1 -> 0.470004
    # doc 1 (length 3): norm = 1.5 * (0.25 + 0.75 * 3 / 2) = 2.0625
    #   a: 2.5 / 3.0625 = 0.816327 -> 0.383677;  c (twice): 5 / 4.0625 = 1.230769 -> 1.207174;  sum 1.590851
    # doc 2: no query term -> 0
    bm25 = BM25(TINY, k1=1.5, b=0.75)
    assert bm25.idf("a") == pytest.approx(0.470004, abs=1e-6)
    assert bm25.idf("c") == pytest.approx(0.980829, abs=1e-6)
    assert bm25.idf("zzz") == pytest.approx(math.log1p(3.5 / 0.5))
    np.testing.assert_allclose(bm25.scores(["a", "c"]), [0.470004, 1.590851, 0.0], atol=1e-6)


def test_bm25_okapi_idf_is_the_robertson_sparck_jones_weight():
    # idf(a) = ln(1.5 / 2.5) = -0.510826 (a is in 2 of 3 documents), idf(c) = ln(2.5 / 1.5) = 0.510826
    bm25 = BM25(TINY, idf="okapi")
    np.testing.assert_allclose(bm25.scores(["a", "c"]), [-0.510826, -0.417001 + 0.628709, 0.0], atol=1e-6)


def test_bm25_parameters_behave_as_documented():
    presence_only = BM25(TINY, k1=0.0).scores(["c"])          # k1 = 0: a match counts once, whatever tf
    assert presence_only[1] == pytest.approx(BM25(TINY).idf("c"))
    long_doc = [["x"] + ["filler"] * 20, ["x"]]
    assert BM25(long_doc, b=0.0).scores(["x"])[0] == pytest.approx(BM25(long_doc, b=0.0).scores(["x"])[1])
    assert BM25(long_doc, b=1.0).scores(["x"])[0] < BM25(long_doc, b=1.0).scores(["x"])[1]


def test_bm25_matches_an_independent_matrix_implementation():
    rng = np.random.default_rng(0)
    vocabulary = [f"w{i}" for i in range(30)]
    docs = [list(rng.choice(vocabulary, size=rng.integers(1, 25))) for _ in range(40)]
    queries = [list(rng.choice(vocabulary, size=4)) for _ in range(10)]
    k1, b = 1.2, 0.6
    counts = np.array([[doc.count(w) for w in vocabulary] for doc in docs], dtype=float)   # (docs, vocab)
    lengths = counts.sum(1, keepdims=True)
    df = (counts > 0).sum(0)
    idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
    weight = idf * counts * (k1 + 1) / (counts + k1 * (1 - b + b * lengths / lengths.mean()))
    expected = np.stack([weight[:, [vocabulary.index(t) for t in q]].sum(1) for q in queries])
    np.testing.assert_allclose(BM25(docs, k1=k1, b=b).score_matrix(queries), expected, rtol=1e-12)


def test_bm25_equals_rank_bm25_when_installed():
    rank_bm25 = pytest.importorskip("rank_bm25")
    docs = [["a", "b", "e"], ["a", "c", "c"], ["d", "e"], ["f"], ["g", "b"]]   # no token in more than half
    reference = rank_bm25.BM25Okapi(docs, k1=1.5, b=0.75)
    for query in (["a", "c"], ["e", "b", "b"], ["f", "g"]):
        np.testing.assert_allclose(BM25(docs, idf="okapi").scores(query), reference.get_scores(query), atol=1e-12)


def test_bm25_rejects_bad_input():
    with pytest.raises(TypeError, match="documents"):
        BM25(["a b", "c"])
    with pytest.raises(ValueError, match="documents"):
        BM25([])
    with pytest.raises(ValueError, match="token"):
        BM25([[], []])
    with pytest.raises(ValueError, match="k1"):
        BM25(TINY, k1=-1)
    with pytest.raises(ValueError, match="b must"):
        BM25(TINY, b=1.5)
    with pytest.raises(ValueError, match="idf"):
        BM25(TINY, idf="bm25+")
    with pytest.raises(TypeError, match="query"):
        BM25(TINY).scores("a c")
    with pytest.raises(TypeError, match="token"):
        BM25(TINY).idf(3)


# ---- rankings, recall, fusion, facts ----------------------------------------------------------------
def test_rank_scores_sorts_rows_best_first_with_stable_ties():
    ranking = rank_scores(np.array([[0.1, 0.9, 0.5], [1.0, 1.0, 0.0]]))
    assert ranking.tolist() == [[1, 2, 0], [0, 1, 2]]
    with pytest.raises(ValueError, match="2-D"):
        rank_scores(np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        rank_scores(np.array([[np.nan, 1.0]]))


def test_recall_at_k():
    rankings = np.array([[2, 0, 1], [1, 2, 0], [0, 1, 2]])
    assert recall_at_k(rankings, [0, 0, 0], 1) == pytest.approx(1 / 3)
    assert recall_at_k(rankings, [0, 0, 0], 2) == pytest.approx(2 / 3)
    assert recall_at_k(rankings, [{1, 2}, {0}, {0}], 1) == pytest.approx(2 / 3)
    assert recall_at_k([[3, 1], [0]], [1, 0], 2) == 1.0
    with pytest.raises(ValueError, match="equal length"):
        recall_at_k(rankings, [0, 0], 1)
    with pytest.raises(ValueError, match="k must"):
        recall_at_k(rankings, [0, 0, 0], 0)
    with pytest.raises(TypeError, match="relevant"):
        recall_at_k(rankings, 0, 1)


def test_reciprocal_rank_fusion_hand_example():
    # doc 0: 1/61 + 1/63 = 0.032266, doc 1: 2/62 = 0.032258, doc 2: 1/63 + 1/61 (ties with doc 0)
    fused = reciprocal_rank_fusion([np.array([[0, 1, 2]]), np.array([[2, 1, 0]])])
    assert fused.tolist() == [[0, 2, 1]]
    # a truncated ranking gives nothing to the documents it leaves out
    assert reciprocal_rank_fusion([[[3]], [[3, 0]]], n_documents=5).tolist() == [[3, 0, 1, 2, 4]]


def test_reciprocal_rank_fusion_rejects_bad_input():
    with pytest.raises(TypeError, match="rankings"):
        reciprocal_rank_fusion([])
    with pytest.raises(ValueError, match="same queries"):
        reciprocal_rank_fusion([np.zeros((2, 3), int), np.zeros((1, 3), int)])
    with pytest.raises(ValueError, match="n_documents"):
        reciprocal_rank_fusion([np.array([[0, 5]])], n_documents=3)
    with pytest.raises(ValueError, match="k must"):
        reciprocal_rank_fusion([np.array([[0]])], k=0)


def test_contains_fact_matches_whole_words_ignoring_case():
    assert contains_fact("Introduced by Goodfellow in 2014.", "goodfellow")
    assert contains_fact("GPT-3 had 175 billion parameters", "175 billion")
    assert not contains_fact("published in 2010", "10")
    assert not contains_fact("a melody", "mel")
    with pytest.raises(ValueError, match="fact"):
        contains_fact("text", " ")
    with pytest.raises(TypeError):
        contains_fact("text", 3)


# ---- the sentence encoder, offline ----------------------------------------------------------------------
def test_encoder_loads_offline_and_gives_unit_vectors(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    retrieval._load_encoder.cache_clear()          # load from the package files now, with the network blocked
    encoder = load_sentence_encoder("cpu")
    vectors = encode(["A cat sits on the mat.", "A kitten is sitting on a rug.", "Stock prices fell sharply."], encoder)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_encode_equals_mean_pooling_of_the_transformer():
    import torch

    encoder = load_sentence_encoder("cpu")
    texts = ["Retrieval-augmented generation cites its sources.", "短文本"]
    batch = encoder.tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        hidden = encoder[0].auto_model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    np.testing.assert_allclose(encode(texts, encoder), pooled, atol=1e-5)


def test_encode_rejects_bad_input():
    with pytest.raises(TypeError, match="texts"):
        encode("one string")
    with pytest.raises(ValueError, match="empty"):
        encode([])
    with pytest.raises(TypeError, match="device"):
        load_sentence_encoder(0)


# ---- the glossary data ------------------------------------------------------------------------------
GENERIC = {"model", "models", "network", "networks", "method", "learning", "training", "ai"}


def test_glossary_is_well_formed():
    glossary = load_glossary()
    assert 60 <= len(glossary) <= 120
    assert glossary["id"].is_unique and glossary["term"].is_unique
    assert (glossary != "").all().all(), "no empty cells"
    for row in glossary.itertuples():
        assert row.key_fact in row.definition, row.id
        assert re.search(r"[\u4e00-\u9fff]", row.term_zh) or row.term_zh == row.term, row.id
        assert 1 <= len(re.findall(r"[.!?](?:\s|$)", row.definition)) <= 3, row.id


def test_questions_are_answerable_and_do_not_reuse_the_term():
    glossary = load_glossary().set_index("id")
    questions = load_glossary_questions()
    assert set(questions["glossary_id"]) == set(glossary.index), "one question per entry"
    for row in questions.itertuples():
        entry = glossary.loc[row.glossary_id]
        assert contains_fact(entry.definition, row.answer), row.glossary_id
        assert not contains_fact(row.question, row.answer), f"{row.glossary_id}: the question gives the answer away"
        term_words = set(tokenize(entry.term)) - GENERIC
        assert not term_words & set(tokenize(row.question)), f"{row.glossary_id} reuses {term_words & set(tokenize(row.question))}"


def test_loaders_check_the_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="columns"):
        load_glossary(bad)
    with pytest.raises(ValueError, match="columns"):
        load_glossary_questions(bad)
    with pytest.raises(FileNotFoundError):
        load_glossary(tmp_path / "missing.csv")
