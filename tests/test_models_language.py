import math
import warnings

import pytest
import torch
import torch.nn.functional as F

from aigc_utils.models.language import (
    CharLSTM,
    CharNGramModel,
    held_out_bits_per_char,
    language_model_logits,
    random_windows,
    tiny_gpt2,
    train_bpe_tokenizer,
    train_language_model,
)

TEXT = "the cat sat on the mat. the dog sat on the log. " * 20


@pytest.mark.parametrize("smoothing, strength", [("add_k", 0.5), ("add_k", 0.01), ("interpolated", 2.0)])
@pytest.mark.parametrize("order", [1, 2, 4])
def test_ngram_probabilities_sum_to_one(smoothing, strength, order):
    model = CharNGramModel(TEXT, max_order=4)
    symbols = sorted(set(TEXT)) + ["\u2603"]  # every training character plus one unseen symbol
    for context in ["", "t", "the ", "zzz", "on th"]:
        total = sum(model.probability(context, c, order=order, smoothing=smoothing, strength=strength) for c in symbols)
        assert total == pytest.approx(1.0, abs=1e-9)


def test_add_k_matches_its_formula():
    model = CharNGramModel("abab", max_order=2)  # bigrams ab, ba, ab; vocab {a, b} + unseen = 3
    assert model.vocab_size == 3
    p = model.probability("a", "b", order=2, smoothing="add_k", strength=1.0)
    assert p == pytest.approx((2 + 1) / (2 + 3))
    assert model.probability("b", "b", order=2, smoothing="add_k", strength=1.0) == pytest.approx(1 / 4)


def test_interpolation_backs_off_to_shorter_contexts():
    model = CharNGramModel("abab", max_order=2)
    unigram_b = model.probability("", "b", order=1, smoothing="interpolated", strength=1.0)
    assert unigram_b == pytest.approx((2 + 1 / 3) / (4 + 1))
    # the unseen context "x" has no counts: the bigram falls back to the unigram exactly
    assert model.probability("x", "b", order=2, smoothing="interpolated", strength=1.0) == pytest.approx(unigram_b)


def test_bits_per_char_by_order_matches_single_orders_and_tune_picks_the_minimum():
    model = CharNGramModel(TEXT, max_order=5)
    held_out = "the cat sat on the log. the dog sat on the mat."
    by_order = model.bits_per_char_by_order(held_out, smoothing="interpolated", strength=4.0)
    for n, value in enumerate(by_order, start=1):
        assert value == pytest.approx(model.bits_per_char(held_out, order=n, smoothing="interpolated", strength=4.0))
    assert by_order[-1] < by_order[0]
    best, table = model.tune(held_out, strengths={"add_k": [0.1], "interpolated": [1.0, 4.0]})
    assert len(table) == 3 * 5
    assert best["valid_bpc"] == min(row["valid_bpc"] for row in table)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda m: m.bits_per_char("ab", order=4, smoothing="add_k", strength=1.0), ValueError, "order"),
        (lambda m: m.bits_per_char("ab", order=1, smoothing="kneser", strength=1.0), ValueError, "smoothing"),
        (lambda m: m.bits_per_char("ab", order=1, smoothing="add_k", strength=0.0), ValueError, "strength"),
        (lambda m: m.bits_per_char("", order=1, smoothing="add_k", strength=1.0), ValueError, "text"),
        (lambda m: m.probability("a", "bc", order=1, smoothing="add_k", strength=1.0), ValueError, "char"),
        (lambda m: m.tune("ab", strengths={"laplace": [1.0]}), ValueError, "strengths key"),
    ],
)
def test_ngram_rejects_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call(CharNGramModel("abcabc", max_order=3))


def test_ngram_constructor_rejects_bad_input():
    with pytest.raises(TypeError, match="train_text"):
        CharNGramModel(["a", "b"], max_order=2)
    with pytest.raises(ValueError, match="max_order"):
        CharNGramModel("abc", max_order=0)


def test_char_lstm_carries_state_between_chunks():
    torch.manual_seed(0)
    model = CharLSTM(10, embedding_size=4, hidden_size=8)
    ids = torch.randint(10, (2, 12))
    whole, _ = model(ids)
    first, state = model(ids[:, :5])
    second, _ = model(ids[:, 5:], state)
    assert whole.shape == (2, 12, 10)
    assert torch.allclose(torch.cat([first, second], dim=1), whole, atol=1e-6)


def test_tiny_gpt2_sets_special_tokens_and_trains_without_warnings():
    model = tiny_gpt2(40, n_layer=1, n_embd=16, n_head=2, n_positions=8)
    assert (model.config.bos_token_id, model.config.eos_token_id, model.config.pad_token_id) == (0, 0, 0)
    assert model.config.n_positions == 8
    ids = torch.randint(40, (2, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = model(input_ids=ids, labels=ids).loss
    logits = model(ids).logits
    expected = F.cross_entropy(logits[:, :-1].reshape(-1, 40), ids[:, 1:].reshape(-1))
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)  # labels are shifted inside the model


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_embd": 30, "n_head": 4}, ValueError, "divisible"),
        ({"pad_token_id": 40}, ValueError, "pad_token_id"),
        ({"dropout": 1.0}, ValueError, "dropout"),
        ({"n_layer": 0}, ValueError, "n_layer"),
    ],
)
def test_tiny_gpt2_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        tiny_gpt2(40, **kwargs)


def test_bpe_tokenizer_round_trips_any_text():
    tokenizer = train_bpe_tokenizer(TEXT, 300)
    assert tokenizer.convert_ids_to_tokens(0) == "<|endoftext|>"
    assert tokenizer.eos_token_id == tokenizer.pad_token_id == 0
    assert len(tokenizer) <= 300
    for text in ["the cat sat", "生成式人工智能 and émigré"]:
        assert tokenizer.decode(tokenizer(text)["input_ids"]) == text
    assert len(tokenizer("the cat sat on the mat")["input_ids"]) < len("the cat sat on the mat")
    with pytest.raises(ValueError, match="vocab_size"):
        train_bpe_tokenizer(TEXT, 100)


def test_random_windows_are_shifted_and_reproducible():
    ids = torch.arange(100)
    x, y = random_windows(ids, 10, 4, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 10)
    assert torch.equal(y, x + 1)
    x2, _ = random_windows(ids, 10, 4, torch.Generator().manual_seed(0))
    assert torch.equal(x, x2)


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((torch.arange(5), 10, 2), ValueError, "at least 11"),
        ((torch.rand(50), 10, 2), TypeError, "integer"),
        ((torch.arange(50).view(5, 10), 3, 2), ValueError, "dimensions"),
        ((torch.arange(50), 0, 2), ValueError, "context"),
    ],
)
def test_random_windows_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        random_windows(*args, generator=torch.Generator())
    with pytest.raises(TypeError, match="generator"):
        random_windows(torch.arange(50), 5, 2, generator=0)


def test_language_model_logits_accepts_each_kind_of_model():
    ids = torch.randint(12, (2, 5))
    lstm = CharLSTM(12, 4, 8)
    gpt = tiny_gpt2(12, n_layer=1, n_embd=8, n_head=2, n_positions=8)
    for model in (lstm, gpt, lambda x: torch.zeros(*x.shape, 12)):
        assert language_model_logits(model, ids).shape == (2, 5, 12)
    with pytest.raises(ValueError, match="dimensions"):
        language_model_logits(lstm, ids[0])
    with pytest.raises(TypeError, match="logits"):
        language_model_logits(lambda x: "nope", ids)


def test_held_out_bits_per_char_matches_full_sequence_evaluation():
    torch.manual_seed(0)
    lstm = CharLSTM(12, 4, 8).eval()
    ids = torch.randint(12, (300,))
    with torch.no_grad():
        logits, _ = lstm(ids[None, :-1])
    expected = F.cross_entropy(logits[0], ids[1:]).item() / math.log(2)
    assert held_out_bits_per_char(lstm, ids, 400) == pytest.approx(expected, rel=1e-5)
    # a causal model that only looks at the current token does not care about the window
    uniform = lambda x: torch.zeros(*x.shape, 12)  # noqa: E731
    for context, stride in [(16, 8), (16, 16), (7, 1)]:
        assert held_out_bits_per_char(uniform, ids, context, stride=stride) == pytest.approx(math.log2(12))
    assert held_out_bits_per_char(uniform, ids, 16, n_chars=2 * 299) == pytest.approx(math.log2(12) / 2)


def test_held_out_bits_per_char_scores_gpt_windows_like_one_pass():
    torch.manual_seed(0)
    gpt = tiny_gpt2(20, n_layer=1, n_embd=16, n_head=2, n_positions=64).eval()
    ids = torch.randint(20, (50,))
    with torch.no_grad():
        logits = gpt(ids[None, :-1]).logits[0]
    expected = F.cross_entropy(logits, ids[1:]).item() / math.log(2)
    assert held_out_bits_per_char(gpt, ids, 64, batch_size=3) == pytest.approx(expected, rel=1e-5)
    assert not gpt.training


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"context": 8, "stride": 9}, ValueError, "stride"),
        ({"context": 8, "n_chars": 0}, ValueError, "n_chars"),
        ({"context": 0}, ValueError, "context"),
    ],
)
def test_held_out_bits_per_char_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        held_out_bits_per_char(CharLSTM(5, 2, 2), torch.randint(5, (20,)), **kwargs)


def test_train_language_model_learns_a_repeating_sequence():
    torch.manual_seed(0)
    ids = torch.arange(8).repeat(100)
    model = CharLSTM(8, 8, 16)
    history = train_language_model(model, ids, context=16, batch_size=8, steps=150, lr=1e-2,
                                   generator=torch.Generator().manual_seed(0))
    assert len(history["loss"]) == len(history["seconds"]) == 150
    assert history["loss"][-1] < 0.2 * history["loss"][0]
    assert held_out_bits_per_char(model, ids[:100], 16) < 0.5
    assert not model.training
    timed = train_language_model(CharLSTM(8, 4, 4), ids, context=8, batch_size=4, seconds=0.3,
                                 generator=torch.Generator().manual_seed(0))
    assert 0 < len(timed["loss"]) and timed["seconds"][-1] >= 0.0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"steps": 5, "seconds": 1.0}, ValueError, "exactly one"),
        ({}, ValueError, "exactly one"),
        ({"steps": 5, "lr": -1.0}, ValueError, "lr"),
        ({"steps": 0}, ValueError, "steps"),
    ],
)
def test_train_language_model_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        train_language_model(CharLSTM(5, 2, 2), torch.randint(5, (50,)), context=8, batch_size=2,
                             generator=torch.Generator(), **kwargs)
    with pytest.raises(TypeError, match="model"):
        train_language_model("lstm", torch.randint(5, (50,)), context=8, batch_size=2, steps=1,
                             generator=torch.Generator())
