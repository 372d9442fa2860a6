"""Tradepost: a deterministic local classifieds site and shop for demos, tests and benchmarks.

Serves ads (ordinary, wildlife products, hard negatives, reposts) and shop pages with planted
deceptive UI patterns; `truth.ground_truth()` holds the labels.
"""

from demo_site.server import (
    DEFAULT_N_ADS,
    DEFAULT_SEED,
    make_server,
    serve_forever,
    serve_in_thread,
)

__all__ = ["DEFAULT_N_ADS", "DEFAULT_SEED", "make_server", "serve_forever", "serve_in_thread"]
