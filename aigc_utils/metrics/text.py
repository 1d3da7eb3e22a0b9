"""Text metrics: diversity, repetition, bits per character, BLEU and self-BLEU.

- :func:`distinct_n`: unique n-grams over all n-grams of a set of texts
  (diversity; Li et al. 2016).
- :func:`repeated_ngram_share`: how much of one text repeats its own n-grams
  (degeneration in long generation).
- :func:`bits_per_char` and :func:`perplexity`: a language model's held-out
  negative log-likelihood in the two usual units.
- :func:`bleu`: corpus BLEU written out (clipped n-gram precisions, brevity
  penalty, the "exp" smoothing), equal to ``sacrebleu.corpus_bleu`` with its
  default settings (tested); tokenisation uses sacrebleu's own tokenizers.
- :func:`self_bleu`: mean BLEU of each text against the others (low = diverse).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from aigc_utils import _validate

MAX_ORDER = 4
TOKENIZERS = ("13a", "char", "zh", "none")


def _token_lists(name: str, sequences: Any) -> list[list[Any]]:
    """Strings become lists of characters; lists/tuples of tokens stay as they are."""
    if isinstance(sequences, str) or not isinstance(sequences, Sequence):
        raise TypeError(f"{name} must be a list of strings or of token lists, got {type(sequences).__name__}")
    if len(sequences) == 0:
        raise ValueError(f"{name} must not be empty")
    out = []
    for item in sequences:
        if isinstance(item, str):
            out.append(list(item))
        elif isinstance(item, (list, tuple)):
            out.append(list(item))
        else:
            raise TypeError(f"{name} must hold strings or token lists, got an item of type {type(item).__name__}")
    return out


def _ngrams(tokens: Sequence[Any], n: int) -> list[tuple[Any, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def distinct_n(sequences: Any, n: int = 2) -> float:
    """Share of distinct n-grams among all n-grams of a set of texts.

    Strings are split into characters (the right unit for Chinese and for
    character-level models); pass lists of tokens for word-level counts.

    Args:
        sequences: list of strings or of token lists.
        n: n-gram order.

    Returns:
        ``len(set(ngrams)) / len(ngrams)`` over all texts, in (0, 1].

    Raises:
        TypeError: if ``sequences`` is not a list of strings/token lists.
        ValueError: if ``n`` is not positive or no text has ``n`` tokens.
    """
    n = _validate.positive_int("n", n)
    grams = [g for tokens in _token_lists("sequences", sequences) for g in _ngrams(tokens, n)]
    if not grams:
        raise ValueError(f"sequences contain no {n}-grams (every text is shorter than n={n})")
    return len(set(grams)) / len(grams)


def repeated_ngram_share(sequence: Any, n: int = 4) -> float:
    """Share of a text's n-grams that repeat an n-gram seen earlier in it.

    0 means no n-gram occurs twice; a model stuck in a loop approaches 1.

    Args:
        sequence: one string (characters) or one token list.
        n: n-gram order.

    Raises:
        ValueError: if the text is shorter than ``n`` tokens.
    """
    n = _validate.positive_int("n", n)
    if not isinstance(sequence, (str, list, tuple)):
        raise TypeError(f"sequence must be a string or a token list, got {type(sequence).__name__}")
    grams = _ngrams(list(sequence), n)
    if not grams:
        raise ValueError(f"sequence is shorter than n={n} tokens")
    return 1.0 - len(set(grams)) / len(grams)


def bits_per_char(total_nll_nats: float, n_chars: int) -> float:
    """Bits per character from a summed negative log-likelihood in nats.

    Bits per character is comparable across tokenizers (unlike per-token
    perplexity): sum the model's NLL over a text and divide by its characters.

    Args:
        total_nll_nats: summed NLL of the text (natural log), >= 0.
        n_chars: number of characters of the text.
    """
    total = _validate.real_number("total_nll_nats", total_nll_nats)
    if total < 0:
        raise ValueError(f"total_nll_nats must be >= 0, got {total}")
    n_chars = _validate.positive_int("n_chars", n_chars)
    return total / (n_chars * math.log(2))


def perplexity(total_nll_nats: float, n_tokens: int) -> float:
    """Perplexity ``exp(mean NLL per token)`` from a summed NLL in nats.

    Args:
        total_nll_nats: summed NLL over the tokens (natural log), >= 0.
        n_tokens: number of predicted tokens.
    """
    total = _validate.real_number("total_nll_nats", total_nll_nats)
    if total < 0:
        raise ValueError(f"total_nll_nats must be >= 0, got {total}")
    n_tokens = _validate.positive_int("n_tokens", n_tokens)
    return math.exp(total / n_tokens)


def _tokenizer(tokenize: str) -> Any:
    _validate.one_of("tokenize", tokenize, TOKENIZERS)
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
    from sacrebleu.tokenizers.tokenizer_char import TokenizerChar
    from sacrebleu.tokenizers.tokenizer_none import NoneTokenizer
    from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh

    return {"13a": Tokenizer13a, "char": TokenizerChar, "zh": TokenizerZh, "none": NoneTokenizer}[tokenize]()


def _string_list(name: str, value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of strings, got {type(value).__name__}")
    if not all(isinstance(v, str) for v in value):
        raise TypeError(f"{name} must hold only strings")
    return list(value)


def _closest_length(hyp_len: int, ref_lens: list[int]) -> int:
    # Closest reference length; on a tie the shorter one (as mteval and sacrebleu do).
    return min(ref_lens, key=lambda r: (abs(hyp_len - r), r))


def _bleu_from_counts(correct: list[int], total: list[int], sys_len: int, ref_len: int) -> float:
    if not any(correct):
        return 0.0
    brevity = 1.0 if sys_len >= ref_len else (math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0)
    precisions = [0.0] * MAX_ORDER
    halvings = 1.0
    for n in range(MAX_ORDER):
        if total[n] == 0:
            break
        if correct[n] == 0:  # "exp" smoothing: 1/2, 1/4, ... of a match for missing orders
            halvings *= 2
            precisions[n] = 100.0 / (halvings * total[n])
        else:
            precisions[n] = 100.0 * correct[n] / total[n]
    log_sum = sum(math.log(p) if p > 0 else -9999999999.0 for p in precisions)
    return brevity * math.exp(log_sum / MAX_ORDER)


def bleu(hypotheses: Any, references: Any, *, tokenize: str = "13a") -> float:
    """Corpus BLEU (0-100), equal to ``sacrebleu.corpus_bleu`` with default settings.

    Counts are summed over the corpus before dividing: clipped n-gram
    precisions for n = 1..4 (a hypothesis n-gram counts at most as often as in
    the reference that has it most), their geometric mean, times the brevity
    penalty ``exp(1 - ref_len / hyp_len)`` when the hypotheses are shorter.

    Args:
        hypotheses: list of system outputs (strings).
        references: one reference per hypothesis (a list of strings), or
            several reference streams (a list of lists of strings, each as long
            as ``hypotheses``), as sacrebleu takes them.
        tokenize: sacrebleu tokenizer: ``"13a"`` (default, English), ``"char"``
            or ``"zh"`` (Chinese), ``"none"``.

    Raises:
        TypeError / ValueError: on non-string input, empty input or streams of
        the wrong length.
    """
    hyps = _string_list("hypotheses", hypotheses)
    if not hyps:
        raise ValueError("hypotheses must not be empty")
    if isinstance(references, Sequence) and references and all(isinstance(r, str) for r in references):
        streams = [_string_list("references", references)]
    else:
        if isinstance(references, str) or not isinstance(references, Sequence) or not references:
            raise TypeError("references must be a list of strings or a list of reference streams")
        streams = [_string_list("references", stream) for stream in references]
    for stream in streams:
        if len(stream) != len(hyps):
            raise ValueError(f"each reference stream must have {len(hyps)} strings, got {len(stream)}")
    tok = _tokenizer(tokenize)
    return _corpus_bleu(
        [tok(h.rstrip()).split() for h in hyps],
        [[tok(stream[i].rstrip()).split() for stream in streams] for i in range(len(hyps))],
    )


def _corpus_bleu(hyp_tokens: list[list[str]], ref_tokens: list[list[list[str]]]) -> float:
    correct, total = [0] * MAX_ORDER, [0] * MAX_ORDER
    sys_len = ref_len = 0
    for hyp, refs in zip(hyp_tokens, ref_tokens):
        max_ref_counts: Counter[tuple[str, ...]] = Counter()
        for ref in refs:
            for n in range(1, MAX_ORDER + 1):
                for gram, count in Counter(_ngrams(ref, n)).items():
                    max_ref_counts[gram] = max(max_ref_counts[gram], count)
        sys_len += len(hyp)
        ref_len += _closest_length(len(hyp), [len(r) for r in refs])
        for n in range(1, MAX_ORDER + 1):
            for gram, count in Counter(_ngrams(hyp, n)).items():
                total[n - 1] += count
                correct[n - 1] += min(count, max_ref_counts[gram])
    return _bleu_from_counts(correct, total, sys_len, ref_len)


def self_bleu(texts: Any, *, tokenize: str = "13a") -> float:
    """Self-BLEU (Zhu et al. 2018): mean BLEU of each text against all the others.

    High self-BLEU means the texts resemble each other (low diversity).

    Args:
        texts: at least two strings.
        tokenize: as for :func:`bleu`.
    """
    items = _string_list("texts", texts)
    if len(items) < 2:
        raise ValueError(f"texts needs at least 2 strings, got {len(items)}")
    tok = _tokenizer(tokenize)
    tokens = [tok(t.rstrip()).split() for t in items]
    scores = [_corpus_bleu([tokens[i]], [tokens[:i] + tokens[i + 1 :]]) for i in range(len(tokens))]
    return sum(scores) / len(scores)
