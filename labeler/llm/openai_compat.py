"""Any OpenAI-compatible chat API (OpenAI, vLLM, Ollama, llama.cpp server) over httpx.

Structured output restricts the answer to the label set (JSON schema with an enum); retries with
exponential backoff on 429 (honouring Retry-After), 5xx, timeouts and dropped connections; a
shared rate limit; answers outside the label set and unparseable answers are errors, never cached.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections.abc import Sequence
from typing import Any

import httpx

from labeler.llm.base import SYSTEM_PROMPT, WRITER_PROMPT, Choice
from snarewatch.errors import LLMError, LLMTransientError

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class RateLimiter:
    """Spaces request starts at least 60/rpm seconds apart across threads."""

    def __init__(self, requests_per_minute: float) -> None:
        self.interval = 60.0 / requests_per_minute
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until the next request may start."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


class OpenAICompatBackend:
    """Constrained choice through `POST {base_url}/chat/completions`."""

    def __init__(
        self, base_url: str, model: str, *, api_key: str | None = None, concurrency: int = 4,
        requests_per_minute: float = 300, timeout_s: float = 60, max_retries: int = 5,
        backoff_s: float = 0.5, max_backoff_s: float = 30.0, usd_per_1k_input: float = 0.0,
        usd_per_1k_output: float = 0.0, logprobs: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.name = model
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.usd_per_1k_input = usd_per_1k_input
        self.usd_per_1k_output = usd_per_1k_output
        self.max_answer_tokens = 64
        self.expected_seconds = 1.5  # a hosted API's typical latency per call
        self.price_source = "settings"  # where usd_per_1k_* come from (labeler.llm.prices)
        self.limiter = RateLimiter(requests_per_minute)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(
            headers=headers, timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)),
            limits=httpx.Limits(max_connections=concurrency),
        )
        # Servers differ: fall back to the older JSON mode and to no logprobs when refused.
        self._format = "json_schema"
        self._logprobs = logprobs
        self._random = random.Random(0)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    def _body(self, prompt: str, options: Sequence[str]) -> dict[str, Any]:
        schema = {"type": "object", "properties": {"label": {"type": "string", "enum": list(options)}},
                  "required": ["label"], "additionalProperties": False}
        if self._format == "json_schema":
            fmt: dict[str, Any] = {"type": "json_schema", "json_schema": {
                "name": "label", "schema": schema, "strict": True}}
        else:
            fmt = {"type": "json_object", "schema": schema}
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                         {"role": "user", "content": prompt + '\nReply as JSON: {"label": "<label>"}'}],
            "temperature": 0, "max_tokens": self.max_answer_tokens, "response_format": fmt,
        }
        if self._logprobs:
            body["logprobs"] = True
        return body

    def _downgrade(self, response: httpx.Response) -> bool:
        """On a refusal of an optional feature, switch it off and say so (the call is repeated)."""
        if response.status_code not in (400, 422, 500):
            return False
        text = response.text.lower()
        if self._format == "json_schema" and ("response_format" in text or "json_schema" in text):
            self._format = "json_object"
            return True
        if self._logprobs and "logprob" in text:
            self._logprobs = False
            return True
        return False

    def _post(self, prompt: str, options: Sequence[str]) -> dict[str, Any]:
        attempt = 0
        while True:
            self.limiter.wait()
            delay: float | None = None
            try:
                response = self.client.post(f"{self.base_url}/chat/completions",
                                            json=self._body(prompt, options))
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    try:
                        return response.json()  # type: ignore[no-any-return]
                    except json.JSONDecodeError as exc:
                        raise LLMError(f"response is not JSON: {response.text[:200]!r}") from exc
                if self._downgrade(response):
                    continue
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
                if response.status_code not in RETRY_STATUS:
                    raise LLMError(problem)
                delay = _retry_after(response)
            if attempt >= self.max_retries:
                raise LLMTransientError(f"gave up after {attempt + 1} attempts: {problem}")
            if delay is None:
                delay = self.backoff_s * 2**attempt * (0.5 + self._random.random())
            delay = min(delay, self.max_backoff_s)
            log.info("retrying in %.2f s (%s)", delay, problem)
            time.sleep(delay)
            attempt += 1

    def generate(self, prompt: str, max_tokens: int = 120) -> str:
        """A plain chat completion (no structured output), e.g. for FuDD notes."""
        self.limiter.wait()
        body = {"model": self.model, "temperature": 0, "max_tokens": max_tokens,
                "messages": [{"role": "system", "content": WRITER_PROMPT},
                             {"role": "user", "content": prompt}]}
        try:
            response = self.client.post(f"{self.base_url}/chat/completions", json=body)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise LLMTransientError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            raise LLMError(f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            return str(response.json()["choices"][0]["message"]["content"] or "").strip()
        except (KeyError, IndexError, TypeError, json.JSONDecodeError) as exc:
            raise LLMError(f"unexpected response shape: {response.text[:200]}") from exc

    def choose(self, prompt: str, options: Sequence[str],
               meanings: Sequence[Sequence[str]] | None = None) -> Choice:
        """Ask for `{"label": <one of options>}`; LLMError if the answer is anything else."""
        started = time.monotonic()
        data = self._post(prompt, options)
        usage = data.get("usage") or {}
        tokens_in = int(usage.get("prompt_tokens") or 0)
        tokens_out = int(usage.get("completion_tokens") or 0)
        cost = tokens_in / 1000 * self.usd_per_1k_input + tokens_out / 1000 * self.usd_per_1k_output
        try:
            choice = data["choices"][0]
            content = choice["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"unexpected response shape: {str(data)[:200]}") from exc
        label = _parse_label(content)
        if label not in options:
            raise LLMError(f"answer {label!r} is not one of the labels {list(options)}")
        return Choice(label, _label_probability(choice, content, label), tokens_in, tokens_out,
                      cost, time.monotonic() - started)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to exponential backoff


def _parse_label(content: str) -> str:
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LLMError(f"answer is not valid JSON: {content[:120]!r}") from exc
    if not isinstance(value, dict) or not isinstance(value.get("label"), str):
        raise LLMError(f"answer has no string 'label': {content[:120]!r}")
    return str(value["label"])


def _label_probability(choice: dict[str, Any], content: str, label: str) -> float | None:
    """exp(sum of log-probabilities of the tokens that spell the label), when the API sent them."""
    tokens = ((choice.get("logprobs") or {}).get("content")) or []
    if not tokens:
        return None
    start = content.find(f'"{label}"')
    if start < 0:
        return None
    start, end = start + 1, start + 1 + len(label)
    pos, total = 0, 0.0
    for tok in tokens:
        text = tok.get("token", "")
        if pos < end and pos + len(text) > start and tok.get("logprob") is not None:
            total += float(tok["logprob"])
        pos += len(text)
    return math.exp(total)
