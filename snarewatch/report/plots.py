"""Matplotlib charts (Agg backend) returned as self-contained SVG data URIs for the HTML report."""

from __future__ import annotations

import base64
import io
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from snarewatch.errors import SnarewatchError

FLAG = "#c0392b"
OTHER = "#9aa5b1"
ACCENT = "#1f6f8b"
PALETTE = ("#1f6f8b", "#c0392b", "#e08e0b", "#5b8c5a", "#7d5ba6", "#d35d6e", "#3d8eb9",
           "#8c6d46", "#4a4e69", "#2a9d8f", "#e76f51", "#6c757d")

_STYLE = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10.5,
    "axes.titleweight": "bold", "axes.titlelocation": "left", "axes.spines.top": False,
    "axes.spines.right": False, "axes.edgecolor": "#c8cdd3", "axes.labelcolor": "#37414b",
    "xtick.color": "#37414b", "ytick.color": "#37414b", "axes.grid": True, "grid.color": "#eceff2",
    "grid.linewidth": 0.8, "axes.axisbelow": True, "legend.frameon": False,
    # Text as paths: the SVG needs no font from the viewer's machine or the network.
    "svg.fonttype": "path", "svg.hashsalt": "snarewatch",
}


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise SnarewatchError(
            "the report draws with matplotlib: pip install 'snarewatch[classifiers]'") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _figure(width: float, height: float) -> tuple[Any, Any]:
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    return fig, ax


def to_data_uri(fig: Any) -> str:
    """Render a figure to an SVG data URI and close it."""
    plt = _pyplot()
    buf = io.BytesIO()
    with plt.rc_context(_STYLE):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _count_axis(axis: Any) -> None:
    """Whole-number ticks: an axis of ads, flags or copies has no half an ad on it."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def flagged_bars(rows: Sequence[dict[str, Any]], key: str, total: str, flagged: str,
                 title: str) -> str | None:
    """Horizontal bars: all items in grey, flagged ones in red, flag rate written beside."""
    rows = [r for r in rows if r.get(total)]
    if not rows:
        return None
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, ax = _figure(6.4, 0.8 + 0.3 * len(rows))
        labels = [_short(str(r[key])) for r in rows][::-1]
        totals = [r[total] for r in rows][::-1]
        flags = [r[flagged] or 0 for r in rows][::-1]
        ax.barh(labels, totals, color=OTHER, label="all", height=0.7)
        ax.barh(labels, flags, color=FLAG, label="flagged", height=0.7)
        for y, (t, f) in enumerate(zip(totals, flags, strict=True)):
            ax.text(t, y, f"  {f}/{t} ({f / t:.0%})", va="center", fontsize=8, color="#37414b")
        ax.set_xlim(0, max(totals) * 1.3)
        _count_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_title(title)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize=8)
        return to_data_uri(fig)


def flags_over_time(rows: Sequence[dict[str, Any]], title: str) -> str | None:
    """Weekly ads (grey) and flagged ads (red) by posting date, flag rate on a second axis."""
    rows = [r for r in rows if r.get("week") is not None]
    if not rows:
        return None
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, ax = _figure(7.6, 3.0)
        weeks = [r["week"] for r in rows]
        ax.bar(weeks, [r["ads"] for r in rows], width=5, color=OTHER, label="ads posted")
        ax.bar(weeks, [r["flagged"] for r in rows], width=5, color=FLAG, label="flagged")
        ax.set_ylabel("ads per week")
        _count_axis(ax.yaxis)
        ax2 = ax.twinx()
        ax2.plot(weeks, [r["flagged"] / r["ads"] if r["ads"] else 0 for r in rows], color=ACCENT,
                 marker="o", ms=3, lw=1.5, label="flag rate")
        ax2.set_ylim(0, max(0.05, max(r["flagged"] / r["ads"] for r in rows if r["ads"]) * 1.25))
        ax2.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        handles = ax.get_legend_handles_labels()
        h2 = ax2.get_legend_handles_labels()
        ax.legend(handles[0] + h2[0], handles[1] + h2[1], loc="upper left", ncols=3)
        ax.set_title(title)
        fig.autofmt_xdate()
        return to_data_uri(fig)


def price_distributions(rows: Sequence[dict[str, Any]], max_currencies: int = 4) -> str | None:
    """Per currency, log-scale price histograms of flagged vs other ads (most common currencies)."""
    by_currency: dict[str, dict[bool, list[float]]] = defaultdict(lambda: {True: [], False: []})
    for r in rows:
        if r.get("price") and r["price"] > 0:
            by_currency[str(r["currency"])][bool(r["positive"])].append(float(r["price"]))
    ranked = sorted(by_currency, key=lambda c: (-len(by_currency[c][True]),
                                                -len(by_currency[c][False]), c))[:max_currencies]
    if not ranked:
        return None
    plt = _pyplot()
    import numpy as np

    with plt.rc_context(_STYLE):
        fig, axes = plt.subplots(1, len(ranked), figsize=(2.9 * len(ranked) + 0.6, 2.8), dpi=100,
                                 squeeze=False)
        for ax, currency in zip(axes[0], ranked, strict=True):
            groups = by_currency[currency]
            values = groups[True] + groups[False]
            lo, hi = min(values), max(values)
            if hi <= lo:
                hi = lo * 10
            bins = np.logspace(math.log10(lo * 0.9), math.log10(hi * 1.1), 20)
            ax.hist(groups[False], bins=bins, color=OTHER, alpha=0.85,
                    label=f"other ({len(groups[False])})")
            ax.hist(groups[True], bins=bins, color=FLAG, alpha=0.75,
                    label=f"flagged ({len(groups[True])})")
            for flagged, colour in ((True, FLAG), (False, "#5f6b77")):
                if groups[flagged]:
                    ax.axvline(float(np.median(groups[flagged])), color=colour, ls="--", lw=1)
            ax.set_xscale("log")
            ax.set_title(currency)
            ax.set_xlabel(f"price ({currency}, log scale)")
            _count_axis(ax.yaxis)
            ax.legend(fontsize=7.5, loc="upper left")
        axes[0][0].set_ylabel("ads")
        fig.tight_layout()
        return to_data_uri(fig)


def ranked_bars(rows: Sequence[dict[str, Any]], key: str, value: str, title: str,
                colour: str = FLAG, note: str | None = None) -> str | None:
    """Horizontal ranking (e.g. top sellers by flagged ads); `note` names a column to print."""
    rows = [r for r in rows if r.get(value)]
    if not rows:
        return None
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, ax = _figure(6.4, 0.8 + 0.3 * len(rows))
        labels = [_short(str(r[key])) for r in rows][::-1]
        values = [r[value] for r in rows][::-1]
        ax.barh(labels, values, color=colour, height=0.7)
        if note:
            for y, r in enumerate(rows[::-1]):
                ax.text(r[value], y, f"  {r.get(note)}", va="center", fontsize=8, color="#37414b")
        ax.set_xlim(0, max(values) * 1.35)
        _count_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_title(title)
        return to_data_uri(fig)


def clusters_chart(rows: Sequence[dict[str, Any]], title: str) -> str | None:
    """Repost clusters: copies per cluster, coloured by flag, with the number of seller names."""
    rows = [r for r in rows if r.get("ads")]
    if not rows:
        return None
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, ax = _figure(6.4, 0.8 + 0.3 * len(rows))
        labels = [_short(str(r.get("example_title") or r["repost_cluster"]), 34)
                  for r in rows][::-1]
        values = [r["ads"] for r in rows][::-1]
        colours = [FLAG if r["flagged_ads"] else OTHER for r in rows][::-1]
        ax.barh(labels, values, color=colours, height=0.7)
        for y, r in enumerate(rows[::-1]):
            sellers = r["n_sellers"]
            ax.text(r["ads"], y, f"  {sellers} seller name{'s' if sellers != 1 else ''}",
                    va="center", fontsize=8, color="#37414b")
        ax.set_xlim(0, max(values) * 1.45)
        ax.set_xlabel("copies of the ad")
        _count_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_title(title)
        return to_data_uri(fig)


def stacked_patterns(rows: Sequence[dict[str, Any]], title: str, max_sites: int = 12) -> str | None:
    """Pattern types by site as stacked horizontal bars (common patterns get their own colour)."""
    if not rows:
        return None
    per_site: dict[str, dict[str, int]] = defaultdict(dict)
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        per_site[r["site"]][r["pattern"]] = int(r["n"])
        totals[r["pattern"]] += int(r["n"])
    patterns = sorted(totals, key=lambda p: (-totals[p], p))
    if len(patterns) > len(PALETTE):
        keep = patterns[: len(PALETTE) - 1]
        for counts in per_site.values():
            rest = sum(v for p, v in counts.items() if p not in keep)
            for p in [p for p in counts if p not in keep]:
                del counts[p]
            if rest:
                counts["other"] = rest
        patterns = [*keep, "other"]
    sites = sorted(per_site, key=lambda s: -sum(per_site[s].values()))[:max_sites][::-1]
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, ax = _figure(7.6, 1.4 + 0.38 * len(sites))
        left = [0] * len(sites)
        for colour, pattern in zip(PALETTE, patterns, strict=False):
            widths = [per_site[s].get(pattern, 0) for s in sites]
            ax.barh([_short(s) for s in sites], widths, left=left, color=colour, label=pattern,
                    height=0.65)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        ax.set_xlabel("flagged elements and page findings")
        _count_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18 - 0.02 * (4 - min(len(sites), 4))),
                  ncols=3, fontsize=7.5)
        ax.set_title(title)
        return to_data_uri(fig)


def metrics_chart(cards: Sequence[Any], title: str) -> str | None:
    """Grouped bars of precision, recall and F1 for each model card that has them."""
    cards = [c for c in cards if {"precision", "recall", "f1"} & set(c.metrics)]
    if not cards:
        return None
    plt = _pyplot()
    import numpy as np

    keys = [k for k in ("precision", "recall", "f1", "average_precision")
            if any(k in c.metrics for c in cards)]
    with plt.rc_context(_STYLE):
        fig, ax = _figure(max(4.5, 1.4 * len(cards) + 2), 2.8)
        x = np.arange(len(cards))
        width = 0.8 / len(keys)
        for i, key in enumerate(keys):
            values = [c.metrics.get(key, 0.0) for c in cards]
            bars = ax.bar(x + (i - (len(keys) - 1) / 2) * width, values, width, label=key,
                          color=PALETTE[i])
            ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
        ax.set_xticks(x, [f"{c.task}\n{_short(c.student, 14)}{' ★' if c.promoted else ''}"
                          for c in cards])
        ax.set_ylim(0, 1.12)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=len(keys))
        ax.set_title(title)
        return to_data_uri(fig)


def budget_curve(series: dict[str, list[tuple[float, float]]], title: str) -> str | None:
    """Quality against labelling budget, one line per method or task."""
    if not series:
        return None
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, ax = _figure(6.4, 3.0)
        for colour, (name, points) in zip(PALETTE, series.items(), strict=False):
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", ms=4, lw=1.8,
                    color=colour, label=name)
        ax.set_xlabel("LLM labels bought (budget)")
        ax.set_ylabel("score on held-out gold")
        ax.set_ylim(0, 1.02)
        budgets = sorted({p[0] for pts in series.values() for p in pts})
        if budgets and budgets[0] > 0 and budgets[-1] / budgets[0] >= 8:
            ax.set_xscale("log")
            ax.minorticks_off()
        if len(budgets) <= 10:  # label the budgets actually measured, not log decades
            ax.set_xticks(budgets, [f"{b:g}" for b in budgets])
        elif ax.get_xscale() == "linear":
            _count_axis(ax.xaxis)
        ax.legend(fontsize=7.5, loc="lower right")
        ax.set_title(title)
        return to_data_uri(fig)


def confusion_matrix(
    classes: Sequence[str], matrix: Sequence[Sequence[int]], title: str
) -> str | None:
    """A heat map of the confusion matrix (rows = gold, columns = predicted), counts in cells."""
    if not classes or not matrix:
        return None
    plt = _pyplot()
    import numpy as np

    m = np.asarray(matrix, dtype=float)
    n = len(classes)
    with plt.rc_context({**_STYLE, "axes.grid": False}):
        side = min(9.0, 2.2 + 0.45 * n)
        fig, ax = _figure(side + 0.8, side)
        row_sums = m.sum(axis=1, keepdims=True)
        share = np.divide(m, row_sums, out=np.zeros_like(m), where=row_sums > 0)
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
        ax.grid(False)
        ax.spines[:].set_visible(False)
        for i in range(n):
            for j in range(n):
                if m[i, j]:
                    ax.text(j, i, f"{int(m[i, j])}", ha="center", va="center",
                            fontsize=8 if n < 12 else 6,
                            color="white" if share[i, j] > 0.55 else "#1d2630")
        names = [_short(c, 22) for c in classes]
        ax.set_xticks(range(n), names, rotation=45 if n > 2 else 0,
                      ha="right" if n > 2 else "center")
        ax.set_yticks(range(n), names)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(title)
        return to_data_uri(fig)
