"""The embedded teacher: a GGUF model on llama-cpp-python, labelling by option log-probabilities.

Speed comes from two things. (1) The task's instructions and few-shot block are the same for every
item, so their key/value cache is computed once and kept: each call only evaluates the tokens after
the longest prefix it shares with the previous call (typically the item and the answer cue).
(2) No text is generated: the options form a token trie, and the model is evaluated only at the
points where options diverge; each option's probability is the product of its normalised token
probabilities at those points (constrained decoding, exactly). With options that differ in their
first token (most tasks), one decision costs one forward pass over the item's tokens.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from labeler.llm.base import SYSTEM_PROMPT, WRITER_PROMPT, Choice
from snarewatch.errors import LLMError, ModelMissingError

log = logging.getLogger(__name__)

CHATML = "<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


class EmbeddedBackend:
    """Constrained choice with a local GGUF chat model (ChatML template, e.g. Qwen2.5)."""

    concurrency = 1
    expected_seconds = 0.2  # measured: ~0.16 s per ad title on 2 cores
    usd_per_1k_input = 0.0
    usd_per_1k_output = 0.0
    max_answer_tokens = 0

    def __init__(self, model_path: Path, *, name: str | None = None, n_ctx: int = 4096,
                 n_threads: int = 0, template: str = CHATML) -> None:
        self.model_path = Path(model_path)
        if not self.model_path.is_file():
            raise ModelMissingError(f"GGUF model file not found: {self.model_path}")
        self.name = name or self.model_path.stem
        self.n_ctx = n_ctx
        self.n_threads = n_threads or (os.cpu_count() or 2)
        self.template = template
        self._llm = None
        self._lock = threading.Lock()  # one llama context: decisions are serialised

    def _model(self):  # type: ignore[no-untyped-def]
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelMissingError(
                    "llama-cpp-python is not installed: run `make setup` (builds it for this CPU)"
                ) from exc
            started = time.monotonic()
            self._llm = Llama(str(self.model_path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                              n_batch=512, logits_all=False, verbose=False)
            log.info("loaded %s in %.1f s", self.model_path.name, time.monotonic() - started)
        return self._llm

    def load(self) -> EmbeddedBackend:
        """Load the model now (otherwise the first decision does)."""
        with self._lock:
            self._model()
        return self

    def _tokens(self, text: str) -> list[int]:
        return self._model().tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _eval_to(self, tokens: list[int]) -> np.ndarray:
        """Make the context hold exactly `tokens` and return the next-token log-probabilities."""
        llm = self._model()
        if len(tokens) >= self.n_ctx:
            raise LLMError(f"prompt of {len(tokens)} tokens exceeds the context of {self.n_ctx}")
        current = llm.input_ids[: llm.n_tokens]
        limit = min(len(current), len(tokens))
        mismatch = np.flatnonzero(current[:limit] != np.asarray(tokens[:limit]))
        same = int(mismatch[0]) if len(mismatch) else limit
        # At least one token must be evaluated to get fresh logits for the last position.
        same = min(same, len(tokens) - 1)
        llm.n_tokens = same  # eval() drops the cache after n_tokens, keeping the shared prefix
        llm.eval(tokens[same:])
        logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))
        logits = logits.astype(np.float64)
        return logits - (np.log(np.exp(logits - logits.max()).sum()) + logits.max())

    def _score(self, prompt_tokens: list[int], options: Sequence[list[int]]) -> tuple[list[float], int]:
        """Log-probability of each option under constrained decoding; also the tokens evaluated."""
        scores = [0.0] * len(options)
        evaluated = 0
        # Walk the trie: a group of options sharing `depth` tokens branches on the next token.
        stack: list[tuple[int, list[int]]] = [(0, list(range(len(options))))]
        while stack:
            depth, group = stack.pop()
            live = [i for i in group if len(options[i]) > depth]
            if len(group) == 1 or not live:
                continue
            context = prompt_tokens + options[group[0]][:depth]
            logprobs = self._eval_to(context)
            evaluated += 1
            branches: dict[int, list[int]] = {}
            for i in live:
                branches.setdefault(options[i][depth], []).append(i)
            ended = [i for i in group if len(options[i]) == depth]
            if ended:  # an option that is a prefix of another: treat its end like any branch
                branches.setdefault(-1, []).extend(ended)
            toks = list(branches)
            lp = np.array([logprobs[t] if t >= 0 else logprobs.max() for t in toks])
            lp = lp - (np.log(np.exp(lp - lp.max()).sum()) + lp.max())
            for tok, value in zip(toks, lp, strict=True):
                for i in branches[tok]:
                    scores[i] += float(value)
                if tok >= 0:
                    stack.append((depth + 1, branches[tok]))
        return scores, evaluated

    def generate(self, prompt: str, max_tokens: int = 120) -> str:
        """Greedy free-text answer (used once per task, e.g. for FuDD notes)."""
        text = self.template.format(system=WRITER_PROMPT, user=prompt)
        with self._lock:
            llm = self._model()
            try:
                out = llm.create_completion(text, max_tokens=max_tokens, temperature=0.0,
                                            stop=["<|im_end|>"])
            except (RuntimeError, ValueError) as exc:
                raise LLMError(f"generation failed: {exc}") from exc
        return str(out["choices"][0]["text"]).strip()  # type: ignore[index]

    def choose(self, prompt: str, options: Sequence[str],
               meanings: Sequence[Sequence[str]] | None = None) -> Choice:
        """The most probable option and its probability (renormalised over the options)."""
        if not options:
            raise LLMError("no options to choose from")
        started = time.monotonic()
        text = self.template.format(system=SYSTEM_PROMPT, user=prompt)
        with self._lock:
            prompt_tokens = self._tokens(text)
            option_tokens = [self._tokens(opt) for opt in options]
            if len({tuple(t) for t in option_tokens}) != len(options):
                raise LLMError(f"options tokenise identically: {list(options)}")
            scores, _ = self._score(prompt_tokens, option_tokens)
        probs = np.exp(np.array(scores) - max(scores))
        probs /= probs.sum()
        best = int(np.argmax(probs))
        return Choice(
            label=options[best],
            probability=float(probs[best]),
            tokens_in=len(prompt_tokens),
            tokens_out=len(option_tokens[best]),
            cost_usd=0.0,
            seconds=time.monotonic() - started,
            probabilities={o: float(p) for o, p in zip(options, probs, strict=True)},
        )
