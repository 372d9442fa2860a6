"""Published prices of common hosted models, so plans and `--max-cost` never assume "free".

Prices are USD per 1,000 tokens (input, output) as their providers published them in 2025; they
change, so a price set in the settings (`SNAREWATCH_LLM_USD_PER_1K_INPUT`, `..._OUTPUT`) always
wins. A model served on this machine or the local network costs nothing per token.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

PRICES_AS_OF = "2025"

PUBLISHED: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.00015, 0.0006),
    "gpt-4o": (0.0025, 0.01),
    "gpt-4.1-nano": (0.0001, 0.0004),
    "gpt-4.1-mini": (0.0004, 0.0016),
    "gpt-4.1": (0.002, 0.008),
    "gpt-5-nano": (0.00005, 0.0004),
    "gpt-5-mini": (0.00025, 0.002),
    "gpt-5": (0.00125, 0.01),
    "o4-mini": (0.0011, 0.0044),
}
"""Model name (or the start of a dated name, e.g. gpt-4o-mini-2024-07-18) → (input, output)."""


def published_price(model: str) -> tuple[float, float] | None:
    """The published (input, output) price per 1K tokens of a model, if it is a known one."""
    name = model.lower().split("/")[-1]
    for known in sorted(PUBLISHED, key=len, reverse=True):  # gpt-4o-mini before gpt-4o
        if name == known or name.startswith(known + "-"):
            return PUBLISHED[known]
    return None


def is_local(base_url: str) -> bool:
    """True for a server on this machine or a private network (no per-token bill)."""
    host = urlsplit(base_url).hostname or ""
    if host in ("localhost", "") or host.endswith(".local"):
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    return addr.is_loopback or addr.is_private or addr.is_link_local


def resolve_price(base_url: str, model: str, usd_in: float, usd_out: float,
                  ) -> tuple[float, float, str]:
    """(input, output, where the price comes from): the settings' price when set, else free for
    a local server, else the published price; "unknown" when none applies."""
    if usd_in > 0 or usd_out > 0:
        return usd_in, usd_out, "settings"
    if is_local(base_url):
        return 0.0, 0.0, "local server"
    known = published_price(model)
    if known is not None:
        return known[0], known[1], f"{model}'s published price ({PRICES_AS_OF})"
    return 0.0, 0.0, "unknown"
