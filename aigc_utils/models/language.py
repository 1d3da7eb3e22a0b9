"""Small language models and their tools, shared by the text notebooks (08, 09, 10, 29).

The notebooks write the lesson out (n-gram counting and smoothing, the LSTM,
the training loop, decoding, the KV cache); the same pieces live here so that
later notebooks import them instead of copying:

- :class:`CharNGramModel`: a character n-gram model with add-k or interpolated
  smoothing; its ``tune`` picks order and smoothing on validation text.
- :class:`CharLSTM`: embedding -> LSTM -> linear, a character-level RNN.
- :func:`tiny_gpt2`: a small ``GPT2LMHeadModel`` built from a ``GPT2Config``
  (no download) with its special-token ids set for a small vocabulary.
- :func:`train_bpe_tokenizer`: a byte-level BPE tokenizer trained with
  ``tokenizers``, wrapped as a ``PreTrainedTokenizerFast``.
- :func:`random_windows`, :func:`language_model_logits`,
  :func:`train_language_model` and :func:`held_out_bits_per_char`: batches of
  (context, next-token) windows, training by steps or by a time budget, and
  held-out bits per character with sliding windows.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from aigc_utils import _validate
from aigc_utils.train import History, progress

SMOOTHINGS = ("add_k", "interpolated")
END_OF_TEXT = "<|endoftext|>"


def _long_ids(name: str, ids: Any, *, min_length: int = 2) -> torch.Tensor:
    ids = _validate.tensor(name, ids, ndim=1)
    if ids.is_floating_point() or ids.dtype == torch.bool:
        raise TypeError(f"{name} must hold integer token ids, got dtype {ids.dtype}")
    if len(ids) < min_length:
        raise ValueError(f"{name} must hold at least {min_length} token ids, got {len(ids)}")
    return ids.long()


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    return value


class CharNGramModel:
    """Character n-gram language model, counted from training text.

    ``order`` n means that the model looks at the previous n - 1 characters.
    Two smoothings turn counts into probabilities for every character of the
    vocabulary (the training characters plus one "unseen" symbol):

    - ``"add_k"`` (Lidstone; k = 1 is Laplace):
      ``P(c | h) = (C(h c) + k) / (C(h) + k V)``.
    - ``"interpolated"`` (a Dirichlet prior on the next-lower order, in the
      spirit of Jelinek-Mercer and PPM):
      ``P_n(c | h) = (C(h c) + a P_{n-1}(c | h')) / (C(h) + a)``, with
      ``h'`` the context shortened by its oldest character and ``P_0 = 1/V``.

    Args:
        train_text: the text to count.
        max_order: the longest n-gram counted (models of every order up to it
            can then be evaluated without counting again).

    Raises:
        TypeError / ValueError: empty or non-string text, bad ``max_order``.
    """

    def __init__(self, train_text: str, max_order: int) -> None:
        train_text = _text("train_text", train_text)
        self.max_order = _validate.positive_int("max_order", max_order)
        self.vocab_size = len(set(train_text)) + 1  # + one symbol for unseen characters
        self.ngram_counts: list[Counter[str]] = []
        self.context_counts: list[Counter[str]] = []
        for n in range(self.max_order):  # n = length of the context
            grams = Counter(train_text[i - n : i + 1] for i in range(n, len(train_text)))
            contexts: Counter[str] = Counter()
            for gram, count in grams.items():
                contexts[gram[:-1]] += count
            self.ngram_counts.append(grams)
            self.context_counts.append(contexts)

    def _settings(self, order: Any, smoothing: Any, strength: Any) -> tuple[int, str, float]:
        order = _validate.positive_int("order", order)
        if order > self.max_order:
            raise ValueError(f"order must be <= max_order={self.max_order}, got {order}")
        smoothing = _validate.one_of("smoothing", smoothing, SMOOTHINGS)
        strength = _validate.real_number("strength", strength, positive=True)
        return order, smoothing, strength

    def probability(self, context: str, char: str, *, order: int, smoothing: str, strength: float) -> float:
        """``P(char | context)`` under the model of the given order and smoothing.

        Only the last ``order - 1`` characters of ``context`` are used.
        """
        if not isinstance(context, str):
            raise TypeError(f"context must be a string, got {type(context).__name__}")
        if not isinstance(char, str) or len(char) != 1:
            raise ValueError(f"char must be a single character, got {char!r}")
        order, smoothing, strength = self._settings(order, smoothing, strength)
        return self._probabilities_by_order(context + char, len(context), order, smoothing, strength)[-1]

    def _probabilities_by_order(self, text: str, i: int, order: int, smoothing: str, strength: float) -> list[float]:
        # P(text[i] | text[:i]) for orders 1..order (shorter near the start of the text).
        probabilities = []
        p = 1.0 / self.vocab_size
        for n in range(min(order, i + 1)):
            gram = text[i - n : i + 1]
            count, total = self.ngram_counts[n].get(gram, 0), self.context_counts[n].get(gram[:-1], 0)
            if smoothing == "add_k":
                p = (count + strength) / (total + strength * self.vocab_size)
            else:
                p = (count + strength * p) / (total + strength)
            probabilities.append(p)
        return probabilities

    def bits_per_char_by_order(self, text: str, *, smoothing: str, strength: float) -> list[float]:
        """Bits per character of ``text`` for every order 1..max_order, in one pass.

        Character ``i`` is predicted from at most ``i`` previous characters, so
        the first characters use the orders they can.
        """
        text = _text("text", text)
        _, smoothing, strength = self._settings(1, smoothing, strength)
        totals = [0.0] * self.max_order
        for i in range(len(text)):
            probabilities = self._probabilities_by_order(text, i, self.max_order, smoothing, strength)
            for n in range(self.max_order):
                totals[n] -= math.log2(probabilities[min(n, len(probabilities) - 1)])
        return [total / len(text) for total in totals]

    def bits_per_char(self, text: str, *, order: int, smoothing: str, strength: float) -> float:
        """Bits per character of ``text`` under one model (order, smoothing, strength)."""
        text = _text("text", text)
        order, smoothing, strength = self._settings(order, smoothing, strength)
        total = 0.0
        for i in range(len(text)):
            total -= math.log2(self._probabilities_by_order(text, i, order, smoothing, strength)[-1])
        return total / len(text)

    def tune(
        self, valid_text: str, *, strengths: dict[str, list[float]] | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Pick order (1..max_order) and smoothing by bits per character on validation text.

        Args:
            valid_text: validation text (never the test text).
            strengths: ``{smoothing: [strengths to try]}``; by default add-k
                with k in (0.01, 0.1, 1) and interpolation with a in (4, 16, 64).

        Returns:
            ``(best, table)``: the best setting as ``{"order", "smoothing",
            "strength", "valid_bpc"}`` and one such row per setting tried.
        """
        valid_text = _text("valid_text", valid_text)
        if strengths is None:
            strengths = {"add_k": [0.01, 0.1, 1.0], "interpolated": [4.0, 16.0, 64.0]}
        if not isinstance(strengths, dict) or not strengths:
            raise TypeError("strengths must be a non-empty dict {smoothing: [strengths]}")
        table: list[dict[str, Any]] = []
        for smoothing, values in strengths.items():
            _validate.one_of("strengths key", smoothing, SMOOTHINGS)
            for strength in values:
                by_order = self.bits_per_char_by_order(valid_text, smoothing=smoothing, strength=strength)
                table += [
                    {"order": n + 1, "smoothing": smoothing, "strength": float(strength), "valid_bpc": bpc}
                    for n, bpc in enumerate(by_order)
                ]
        best = min(table, key=lambda row: float(row["valid_bpc"]))
        return dict(best), table


class CharLSTM(nn.Module):
    """Character-level LSTM language model: embedding -> LSTM -> linear logits.

    Args:
        vocab_size: number of token ids.
        embedding_size: size of each character's learned vector.
        hidden_size: size of the LSTM state.
        num_layers: stacked LSTM layers.
    """

    def __init__(self, vocab_size: int, embedding_size: int = 32, hidden_size: int = 192, num_layers: int = 1) -> None:
        super().__init__()
        vocab_size = _validate.positive_int("vocab_size", vocab_size)
        self.embedding = nn.Embedding(vocab_size, _validate.positive_int("embedding_size", embedding_size))
        self.lstm = nn.LSTM(embedding_size, _validate.positive_int("hidden_size", hidden_size),
                            num_layers=_validate.positive_int("num_layers", num_layers), batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(
        self, ids: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """(B, T) ids -> ((B, T, vocab) logits, (h, c) state to carry into the next chunk)."""
        outputs, state = self.lstm(self.embedding(ids), state)
        return self.head(outputs), state


def tiny_gpt2(
    vocab_size: int,
    *,
    n_layer: int = 2,
    n_embd: int = 64,
    n_head: int = 4,
    n_positions: int = 128,
    dropout: float = 0.0,
    bos_token_id: int = 0,
    eos_token_id: int = 0,
    pad_token_id: int = 0,
) -> Any:
    """A small, randomly initialised ``GPT2LMHeadModel`` from a ``GPT2Config`` (no download).

    ``GPT2Config`` defaults its special tokens to GPT-2's id 50256, which does
    not exist in a small vocabulary: this builder sets bos/eos/pad ids that do.

    Args:
        vocab_size: tokenizer size.
        n_layer, n_embd, n_head: depth, width and attention heads
            (``n_embd`` must be divisible by ``n_head``).
        n_positions: the context window (learned position embeddings).
        dropout: residual, embedding and attention dropout.
        bos_token_id, eos_token_id, pad_token_id: special-token ids (< vocab_size).

    Returns:
        A ``transformers.GPT2LMHeadModel`` in training mode.
    """
    from transformers import GPT2Config, GPT2LMHeadModel

    vocab_size = _validate.positive_int("vocab_size", vocab_size)
    n_embd = _validate.positive_int("n_embd", n_embd)
    n_head = _validate.positive_int("n_head", n_head)
    if n_embd % n_head:
        raise ValueError(f"n_embd ({n_embd}) must be divisible by n_head ({n_head})")
    dropout = _validate.real_number("dropout", dropout)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must lie in [0, 1), got {dropout}")
    special = {"bos_token_id": bos_token_id, "eos_token_id": eos_token_id, "pad_token_id": pad_token_id}
    for name, value in special.items():
        if _validate.non_negative_int(name, value) >= vocab_size:
            raise ValueError(f"{name} must be < vocab_size={vocab_size}, got {value}")
    config = GPT2Config(
        vocab_size=vocab_size,
        n_positions=_validate.positive_int("n_positions", n_positions),
        n_embd=n_embd,
        n_layer=_validate.positive_int("n_layer", n_layer),
        n_head=n_head,
        resid_pdrop=dropout,
        embd_pdrop=dropout,
        attn_pdrop=dropout,
        bos_token_id=bos_token_id,
        eos_token_id=eos_token_id,
        pad_token_id=pad_token_id,
    )
    model = GPT2LMHeadModel(config)
    model.loss_type = "ForCausalLM"  # transformers cannot infer it from the class name and would warn
    return model


def train_bpe_tokenizer(text: str, vocab_size: int) -> Any:
    """Train a byte-level BPE tokenizer on ``text`` and wrap it for 🤗 transformers.

    Byte-level means every string encodes (any Unicode text is bytes first),
    so there is no unknown token. Id 0 is ``<|endoftext|>``, used as bos, eos
    and pad token.

    Args:
        text: training text.
        vocab_size: final vocabulary size (>= 257: 256 bytes + the special token).

    Returns:
        A ``transformers.PreTrainedTokenizerFast``.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    text = _text("text", text)
    vocab_size = _validate.positive_int("vocab_size", vocab_size)
    if vocab_size < 257:
        raise ValueError(f"vocab_size must be >= 257 (256 bytes + {END_OF_TEXT}), got {vocab_size}")
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[END_OF_TEXT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator([text], trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token=END_OF_TEXT, eos_token=END_OF_TEXT, pad_token=END_OF_TEXT
    )


def random_windows(
    ids: torch.Tensor, context: int, batch_size: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of random (context, next-token) windows from one long id tensor.

    Args:
        ids: 1-D tensor of token ids (a whole encoded corpus).
        context: window length T.
        batch_size: windows per batch B.
        generator: a seeded ``torch.Generator``.

    Returns:
        ``(inputs, targets)``, both (B, T) on ``ids``' device; ``targets`` is
        ``inputs`` shifted by one token (the next token at every position).
    """
    context = _validate.positive_int("context", context)
    ids = _long_ids("ids", ids, min_length=context + 1)
    batch_size = _validate.positive_int("batch_size", batch_size)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    starts = torch.randint(len(ids) - context, (batch_size, 1), generator=generator)
    index = (starts + torch.arange(context + 1)).to(ids.device)
    windows = ids[index]
    return windows[:, :-1], windows[:, 1:]


def language_model_logits(model: Callable[..., Any], inputs: torch.Tensor) -> torch.Tensor:
    """(B, T, vocab) next-token logits of a 🤗 causal LM, a :class:`CharLSTM` or any callable.

    Accepts whatever the model returns: an output with ``.logits``, a tuple
    whose first item is the logits (``CharLSTM``), or the logits themselves.
    """
    if not callable(model):
        raise TypeError(f"model must be callable, got {type(model).__name__}")
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(f"inputs must be a torch.Tensor of token ids, got {type(inputs).__name__}")
    if inputs.ndim != 2:
        raise ValueError(f"inputs must have 2 dimensions (batch, time), got shape {tuple(inputs.shape)}")
    out = model(inputs)
    if isinstance(out, tuple):
        out = out[0]
    logits = getattr(out, "logits", out)
    if not isinstance(logits, torch.Tensor) or logits.ndim != 3:
        raise TypeError("model must return (B, T, vocab) logits, an output with .logits, or a tuple starting with them")
    return logits


def _model_device(model: Any, fallback: torch.device) -> torch.device:
    if isinstance(model, nn.Module):
        for parameter in model.parameters():
            return parameter.device
    return fallback


def train_language_model(
    model: nn.Module,
    ids: torch.Tensor,
    *,
    context: int,
    batch_size: int,
    generator: torch.Generator,
    steps: int | None = None,
    seconds: float | None = None,
    lr: float = 3e-3,
    desc: str = "language model",
) -> History:
    """Train a causal language model on random windows of ``ids`` with AdamW and next-token cross-entropy.

    Give ``steps`` (a fixed number of updates) or ``seconds`` (a time budget:
    CPU time of this process on a CPU, wall time on a GPU, so other programs
    on the machine do not shorten the budget). The learning rate warms up over
    the first 5% of the run, then follows a cosine to 10% of ``lr``; progress
    is measured in steps or in elapsed time. Gradients are clipped to norm 1.

    Returns:
        ``{"loss": [nats per token], "seconds": [elapsed after each step]}``.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if (steps is None) == (seconds is None):
        raise ValueError("give exactly one of steps or seconds")
    steps = None if steps is None else _validate.positive_int("steps", steps)
    seconds = None if seconds is None else _validate.real_number("seconds", seconds, positive=True)
    lr = _validate.real_number("lr", lr, positive=True)
    ids = _long_ids("ids", ids, min_length=_validate.positive_int("context", context) + 1)
    device = _model_device(model, ids.device)
    ids = ids.to(device)
    clock = time.process_time if device.type == "cpu" else time.perf_counter
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    history: History = {"loss": [], "seconds": []}
    bar = progress(total=steps if steps is not None else int(math.ceil(seconds or 0)), desc=desc)
    model.train()
    started, step = clock(), 0
    while True:
        elapsed = clock() - started
        done = step / steps if steps is not None else elapsed / (seconds or 1.0)
        if done >= 1.0:
            break
        scale = done / 0.05 if done < 0.05 else 0.1 + 0.45 * (1 + math.cos(math.pi * (done - 0.05) / 0.95))
        for group in optimizer.param_groups:
            group["lr"] = lr * scale
        inputs, targets = random_windows(ids, context, batch_size, generator)
        logits = language_model_logits(model, inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        value = loss.item()
        if not math.isfinite(value):
            bar.close()
            raise ValueError(f"training diverged at step {step}: loss = {value}")
        step += 1
        history["loss"].append(value)
        history["seconds"].append(clock() - started)
        bar.update(1 if steps is not None else int(history["seconds"][-1]) - bar.n)
        if step % 50 == 0:
            bar.set_postfix({"loss": f"{value:.3f}"}, refresh=False)
    bar.close()
    model.eval()
    return history


@torch.no_grad()
def held_out_bits_per_char(
    model: Callable[..., Any],
    ids: torch.Tensor,
    context: int,
    *,
    n_chars: int | None = None,
    stride: int | None = None,
    batch_size: int = 32,
) -> float:
    """Held-out bits per character of a causal LM on a long id sequence, with sliding windows.

    Every token after the first is predicted once. Windows of ``context``
    tokens advance by ``stride`` (default ``context // 2``), and each window
    scores only its last ``stride`` tokens, so every scored token sees at
    least ``context - stride`` tokens of context (except at the very start).

    Args:
        model: a 🤗 causal LM, a :class:`CharLSTM` or a callable (B, T) ids ->
            logits (see :func:`language_model_logits`).
        ids: 1-D tensor of the held-out text's token ids.
        context: the longest window the model is given.
        n_chars: characters of the held-out text; the summed NLL is divided
            by it, so subword models are comparable with character models. By
            default the number of predicted tokens (bits per token).
        stride: tokens scored per window (1 <= stride <= context).
        batch_size: windows per forward pass.

    Returns:
        Bits per character (or per token without ``n_chars``).
    """
    if not callable(model):
        raise TypeError(f"model must be callable, got {type(model).__name__}")
    ids = _long_ids("ids", ids)
    context = _validate.positive_int("context", context)
    stride = context // 2 or 1 if stride is None else _validate.positive_int("stride", stride)
    if stride > context:
        raise ValueError(f"stride must be <= context ({context}), got {stride}")
    n_predicted = len(ids) - 1
    n_chars = n_predicted if n_chars is None else _validate.positive_int("n_chars", n_chars)
    batch_size = _validate.positive_int("batch_size", batch_size)
    was_training = isinstance(model, nn.Module) and model.training
    if isinstance(model, nn.Module):
        model.eval()
    ids = ids.to(_model_device(model, ids.device))
    # (first input position, first scored target, end) for every window; targets are ids[first:end]
    windows = []
    first = 1
    while first < len(ids):
        end = min(first + stride, len(ids))
        windows.append((max(0, end - 1 - context), first, end))
        first = end
    total = 0.0
    full = [w for w in windows if w[2] - 1 - w[0] == context]
    partial = [w for w in windows if w[2] - 1 - w[0] != context]
    groups = [full[i : i + batch_size] for i in range(0, len(full), batch_size)] + [[w] for w in partial]
    for group in groups:
        inputs = torch.stack([ids[start : end - 1] for start, _, end in group])
        targets = torch.stack([ids[start + 1 : end] for start, _, end in group])
        logits = language_model_logits(model, inputs).float()
        nll = F.cross_entropy(logits.transpose(1, 2), targets, reduction="none")
        for row, (start, first, _) in enumerate(group):
            total += nll[row, first - start - 1 :].sum().item()
    if isinstance(model, nn.Module) and was_training:
        model.train()
    return total / (n_chars * math.log(2))
