"""The `snarewatch audit` report: one self-contained HTML file (annotated screenshot embedded)."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from html import escape
from typing import Any

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;
  color:#1f2937;margin:0;background:#f8fafc}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.5rem;margin:0 0 4px}
.meta{color:#6b7280;margin:0 0 16px}
.summary{display:flex;gap:12px;margin:16px 0}
.pill{padding:8px 14px;border-radius:8px;background:#fff;border:1px solid #e5e7eb}
.pill b{font-size:1.3rem;display:block}
.yes b{color:#d62728}
.unknown b{color:#ff7f0e}
.no b{color:#2c7a2c}
.finding{background:#fff;border:1px solid #e5e7eb;
  border-left:6px solid #ff7f0e;border-radius:8px;padding:12px 16px;margin:12px 0}
.finding.v-yes{border-left-color:#d62728}
.finding.v-no{border-left-color:#9ca3af}
.finding.cleared{border-left-color:#2ca02c}
.finding h3{margin:0 0 4px;font-size:1.05rem}
.tag{font-size:.8rem;padding:2px 8px;border-radius:10px;background:#f3f4f6;margin-left:6px}
.rec{background:#f0fdf4;border-radius:6px;padding:6px 10px}
.quote{font-style:italic;color:#374151}
details pre{white-space:pre-wrap;font-size:12px;background:#f9fafb;padding:8px;border-radius:6px}
img.shot{max-width:100%;border:1px solid #e5e7eb;border-radius:8px}
.note{background:#fffbeb;border:1px solid #fde68a;border-radius:8px;padding:8px 12px}
"""

_VERDICT = {
    "yes": "shown deceptive",
    "unknown": "not verifiable from the page",
    "no": "design pattern (no false claim)",
}


def _finding(n: int, f: dict[str, Any], cleared: bool) -> str:
    verdict = "checked: honest" if cleared else _VERDICT.get(f["verified_deceptive"], "")
    cls = "cleared" if cleared else f"v-{f['verified_deceptive']}"
    evidence = json.dumps(f.get("evidence") or {}, indent=1, ensure_ascii=False, default=str)
    quote = f'<p class="quote">“{escape(f["text"][:200])}”</p>' if f.get("text") else ""
    rec = (
        ""
        if cleared
        else f'<p class="rec"><b>Recommendation:</b> {escape(f["recommendation"])}</p>'
    )
    return (
        f'<section class="finding {cls}"><h3>{n}. {escape(f["l2_name"])}'
        f'<span class="tag">{escape(f["l1"])}</span><span class="tag">{escape(verdict)}</span>'
        f'<span class="tag">check: {escape(f["check"])}</span></h3>{quote}'
        f"<p>{escape(f['explanation'])}</p>{rec}"
        f"<details><summary>Evidence</summary><pre>{escape(evidence)}</pre></details></section>"
    )


def render_audit_html(
    url: str,
    findings: Sequence[dict[str, Any]],
    cleared: Sequence[dict[str, Any]],
    annotated_png: bytes | None,
    meta: dict[str, Any],
) -> str:
    """The report page: summary, annotated screenshot, then each finding and each cleared check."""
    counts = {
        v: sum(1 for f in findings if f["verified_deceptive"] == v)
        for v in ("yes", "unknown", "no")
    }
    pills = "".join(
        f'<div class="pill {v}"><b>{counts[v]}</b>{escape(_VERDICT[v])}</div>'
        for v in ("yes", "unknown", "no")
    )
    pills += f'<div class="pill no"><b>{len(cleared)}</b>checked and honest</div>'
    shot = ""
    if annotated_png:
        data = base64.b64encode(annotated_png).decode("ascii")
        shot = (
            f'<h2>Page as audited</h2><img class="shot" alt="annotated screenshot" '
            f'src="data:image/png;base64,{data}">'
        )
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in meta.get("notes", []))
    items = "".join(_finding(i, f, False) for i, f in enumerate(findings, start=1))
    items = items or "<p>No deceptive patterns found.</p>"
    ok = "".join(_finding(len(findings) + i, f, True) for i, f in enumerate(cleared, start=1))
    ok_section = f"<h2>Checked and honest</h2>{ok}" if ok else ""
    student = escape(str(meta.get("student") or "none"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>snarewatch audit: {escape(url)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body><main><h1>Deceptive design audit</h1>
<p class="meta">{escape(url)} · audited {escape(str(meta.get("audited_at", "")))} ·
 {escape(str(meta.get("seconds", "")))} s · text student: {student}</p>
{notes}<div class="summary">{pills}</div>{shot}<h2>Findings</h2>{items}{ok_section}
<p class="meta">Verification follows Mathur et al.: <i>shown deceptive</i> = the page was caught
 making a false claim or hiding a cost (a timer that restarts, a count that changes on reload, a fee
 that appears only at checkout); <i>design pattern</i> = the pattern is there but states nothing
 false; <i>not verifiable</i> = a claim the page alone cannot prove or disprove.</p>
</main></body></html>
"""
