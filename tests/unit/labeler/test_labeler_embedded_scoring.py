"""Constrained choice over an option trie, checked against a stub language model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labeler.llm.embedded import EmbeddedBackend


class StubModel(EmbeddedBackend):
    """Next-token log-probabilities from a table keyed by the tokens after the prompt."""

    def __init__(self, table, prompt_len):
        self.table, self.prompt_len, self.evals = table, prompt_len, []

    def _eval_to(self, tokens):
        suffix = tuple(tokens[self.prompt_len:])
        self.evals.append(suffix)
        logits = np.full(10, -50.0)
        for tok, p in self.table[suffix].items():
            logits[tok] = math.log(p)
        return logits


def test_options_with_distinct_first_tokens_need_one_evaluation():
    stub = StubModel({(): {1: 0.6, 2: 0.2, 3: 0.1}}, prompt_len=2)
    scores, evals = stub._score([7, 7], [[1, 5], [2], [3, 4, 4]])
    probs = np.exp(scores)
    assert evals == 1 and np.allclose(probs, [0.6 / 0.9, 0.2 / 0.9, 0.1 / 0.9])


def test_shared_prefixes_branch_where_options_diverge():
    # Options [1,2] and [1,3] share token 1; option [4] differs at once.
    stub = StubModel({(): {1: 0.5, 4: 0.5}, (1,): {2: 0.9, 3: 0.1}}, prompt_len=1)
    scores, evals = stub._score([9], [[1, 2], [1, 3], [4]])
    assert evals == 2
    assert np.allclose(np.exp(scores), [0.45, 0.05, 0.5])


def test_missing_model_file_says_so(tmp_path):
    from snarewatch.errors import ModelMissingError

    with pytest.raises(ModelMissingError):
        EmbeddedBackend(tmp_path / "none.gguf")
