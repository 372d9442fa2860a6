"""HTML building blocks for the report: escaped tables, figures, tiles and the page shell."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

# One stylesheet inline and no scripts, fonts or images from elsewhere: the file opens offline.
CSS = """
:root { --ink:#1d2630; --muted:#5f6b77; --line:#e3e7eb; --bg:#f5f7f9; --card:#fff;
        --flag:#c0392b; --accent:#1f6f8b; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif; }
header { background:linear-gradient(120deg,#12343b,#1f6f8b); color:#fff; padding:28px 40px 22px; }
header h1 { margin:0 0 4px; font-size:26px; letter-spacing:.2px; }
header .sub { opacity:.85; font-size:13px; }
nav { background:#fff; border-bottom:1px solid var(--line); padding:8px 40px; position:sticky;
      top:0; z-index:2; font-size:13px; }
nav a { color:var(--accent); text-decoration:none; margin-right:18px; font-weight:600; }
main { max-width:1180px; margin:0 auto; padding:24px 40px 60px; }
.tiles { display:grid; grid-template-columns:repeat(auto-fill,minmax(150px,1fr)); gap:12px;
         margin-bottom:26px; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:10px;
        padding:12px 14px; }
.tile .v { font-size:24px; font-weight:700; }
.tile .k { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.5px; }
.tile.flag .v { color:var(--flag); }
section { background:var(--card); border:1px solid var(--line); border-radius:12px;
          padding:20px 24px; margin-bottom:22px; }
section h2 { margin:0 0 4px; font-size:19px; }
section .lead { color:var(--muted); margin:0 0 14px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:18px; align-items:start; }
@media (max-width:900px) { .grid2 { grid-template-columns:1fr; } }
figure { margin:0 0 14px; }
figure img { max-width:100%; height:auto; display:block; }
figcaption { color:var(--muted); font-size:12px; margin-top:4px; }
table { border-collapse:collapse; width:100%; font-size:12.5px; margin:6px 0 12px; }
th { text-align:left; color:var(--muted); font-weight:600; border-bottom:2px solid var(--line);
     padding:5px 8px; white-space:nowrap; }
td { border-bottom:1px solid var(--line); padding:5px 8px; vertical-align:top; }
td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
tr:hover td { background:#fafbfc; }
.empty { background:#fff8e6; border:1px solid #f3d88b; border-radius:8px; padding:10px 14px;
         color:#6b5212; }
.hero-empty { text-align:center; padding:40px 24px; }
.hero-empty h2 { font-size:22px; }
code, pre { font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace; font-size:12.5px; }
pre { background:#f0f3f6; border-radius:8px; padding:10px 14px; overflow-x:auto; text-align:left; }
.pill { display:inline-block; border-radius:10px; padding:0 7px; font-size:11px; font-weight:600;
        background:#e8f1f4; color:var(--accent); }
.pill.flag { background:#fbeae8; color:var(--flag); }
footer { color:var(--muted); font-size:12px; text-align:center; padding:0 0 30px; }
"""


def esc(value: Any) -> str:
    """HTML-escape any value, formatting numbers, dates and lists for people."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):
        return html.escape(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, date):
        return html.escape(value.isoformat())
    if isinstance(value, list | tuple):
        return html.escape(", ".join(str(v) for v in value))
    return html.escape(str(value))


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None,
          headers: dict[str, str] | None = None, max_chars: int = 90) -> str:
    """An HTML table of rows (numbers right-aligned, long text cut to `max_chars`)."""
    if not rows:
        return ""
    cols = list(columns or rows[0].keys())
    names = headers or {}
    head = "".join(f"<th>{esc(names.get(c, c.replace('_', ' ')))}</th>" for c in cols)
    body = []
    for row in rows:
        cells = []
        for c in cols:
            v = row.get(c)
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            text = esc(v)
            if not numeric and len(text) > max_chars:
                text = f'<span title="{text}">{esc(str(v)[: max_chars - 1])}…</span>'
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure(uri: str | None, alt: str, caption: str = "") -> str:
    """An embedded chart (a data URI), or nothing when there was nothing to draw."""
    if not uri:
        return ""
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{uri}" alt="{esc(alt)}">{cap}</figure>'


def empty(message: str, commands: Sequence[str] = ()) -> str:
    """A friendly note saying what is missing and which commands produce it."""
    cmds = "".join(f"\n{esc(c)}" for c in commands)
    pre = f"<pre>{cmds.strip()}</pre>" if commands else ""
    return f'<div class="empty">{esc(message)}{pre}</div>'


def tiles(items: Sequence[tuple[str, Any, bool]]) -> str:
    """Headline numbers as tiles: (label, value, is_flag)."""
    out = [f'<div class="tile{" flag" if flag else ""}"><div class="v">{esc(v)}</div>'
           f'<div class="k">{esc(k)}</div></div>' for k, v, flag in items]
    return f'<div class="tiles">{"".join(out)}</div>'


def section(anchor: str, title: str, lead: str, body: str) -> str:
    """One report section with an anchor for the navigation bar."""
    return (f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>'
            f'<p class="lead">{esc(lead)}</p>{body}</section>')


def page(title: str, subtitle: str, nav: Sequence[tuple[str, str]], body: str, footer: str) -> str:
    """The whole self-contained HTML document."""
    links = "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t in nav)
    nav_html = f"<nav>{links}</nav>" if nav else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><div class=\"sub\">{esc(subtitle)}</div></header>"
        f"{nav_html}<main>{body}</main><footer>{esc(footer)}</footer></body></html>\n"
    )
