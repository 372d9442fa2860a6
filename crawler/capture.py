"""The UI element map of a rendered page: visible text-bearing and interactive elements.

`capture_elements(page)` runs one script in the page and returns plain dicts (one per element)
with text, tag, role, box, font, colours, visibility, input state, overlay membership and a CSS
selector. The deceptive-UI detectors build on these fields; keep them stable.
"""

from __future__ import annotations

import json
from typing import Any

from snarewatch.schema import Element, stable_id

# Runs in the page. Elements are taken in document order; a text-bearing element is kept when it
# has its own text (not only its children's), so a paragraph and its <span> are separate rows.
ELEMENT_MAP_JS = r"""
(maxElements) => {
  const INTERACTIVE = new Set(['A', 'BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'LABEL', 'SUMMARY',
                               'OPTION']);
  const HEADINGS = new Set(['H1','H2','H3','H4','H5','H6']);
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'META', 'LINK', 'SVG',
                        'PATH', 'BR', 'HR', 'IFRAME']);
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const ownText = (el) => {
    let t = '';
    for (const n of el.childNodes) if (n.nodeType === 3) t += n.textContent + ' ';
    return clean(t);
  };
  const overlayCache = new Map();
  const inOverlay = (el) => {
    const chain = [];
    let result = false;
    for (let cur = el; cur && cur.nodeType === 1; cur = cur.parentElement) {
      if (overlayCache.has(cur)) { result = overlayCache.get(cur); break; }
      chain.push(cur);
      const cs = getComputedStyle(cur);
      const z = parseInt(cs.zIndex, 10);
      const role = (cur.getAttribute('role') || '').toLowerCase();
      if (cur.tagName === 'DIALOG' || role === 'dialog' || role === 'alertdialog' ||
          cur.getAttribute('aria-modal') === 'true' || cs.position === 'fixed' ||
          cs.position === 'sticky' || (!isNaN(z) && z >= 100 && cs.position !== 'static')) {
        result = true; break;
      }
    }
    for (const c of chain) overlayCache.set(c, result);
    return result;
  };
  // Paths are built from the parent's (memoised), so the map stays linear in the page size.
  const pathCache = new Map();
  const cssPath = (el) => {
    if (!el || el.nodeType !== 1 || el.tagName === 'HTML') return '';
    if (pathCache.has(el)) return pathCache.get(el);
    let path;
    if (el.id && /^[A-Za-z][\w-]*$/.test(el.id) && idCount.get(el.id) === 1) {
      path = '#' + el.id;
    } else {
      let i = 1;
      for (let sib = el.previousElementSibling; sib; sib = sib.previousElementSibling)
        if (sib.tagName === el.tagName) i++;
      const own = el.tagName.toLowerCase() + ':nth-of-type(' + i + ')';
      const parent = cssPath(el.parentElement);
      path = parent ? parent + ' > ' + own : own;
    }
    pathCache.set(el, path);
    return path;
  };
  const labelFor = (el) => {
    if (el.labels && el.labels.length)
      return clean(Array.from(el.labels).map(l => l.innerText).join(' '));
    return clean(el.getAttribute('aria-label') || el.getAttribute('placeholder') ||
                 el.getAttribute('title') || el.value || '');
  };
  const out = [];
  const all = document.body ? document.body.querySelectorAll('*') : [];
  const idCount = new Map();
  for (const el of document.querySelectorAll('[id]'))
    idCount.set(el.id, (idCount.get(el.id) || 0) + 1);
  for (const el of all) {
    if (out.length >= maxElements) break;
    const tag = el.tagName;
    if (SKIP.has(tag)) continue;
    const interactive = INTERACTIVE.has(tag) || el.hasAttribute('onclick') ||
      ['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem']
        .includes((el.getAttribute('role') || '').toLowerCase());
    let text = (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') ? labelFor(el)
             : (interactive || HEADINGS.has(tag)) ? clean(el.innerText) : ownText(el);
    if (!text && !interactive) continue;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const visible = cs.display !== 'none' && cs.visibility !== 'hidden' &&
                    parseFloat(cs.opacity) > 0.05 &&
                    r.width > 0 && r.height > 0;
    if (!visible && !interactive) continue;
    const type = tag === 'INPUT' ? (el.getAttribute('type') || 'text').toLowerCase() : null;
    out.push({
      tag: tag.toLowerCase(),
      role: el.getAttribute('role') || (HEADINGS.has(tag) ? 'heading' : !interactive ? null
            : tag === 'A' ? 'link' : tag === 'BUTTON' ? 'button' : null),
      text: text.slice(0, 2000),
      x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height,
      font_size: parseFloat(cs.fontSize) || null,
      font_weight: parseInt(cs.fontWeight, 10) || null,
      color: cs.color, background_color: cs.backgroundColor,
      visible: visible,
      input_type: type,
      checked: (type === 'checkbox' || type === 'radio') ? !!el.checked : null,
      in_overlay: inOverlay(el),
      selector: cssPath(el),
      href: tag === 'A' ? el.href : null,
      disabled: !!el.disabled,
    });
  }
  // One JSON string crosses the protocol much faster than a tree of serialised objects.
  return JSON.stringify(out);
}
"""

MAX_ELEMENTS = 3000


async def capture_elements(page: Any, max_elements: int = MAX_ELEMENTS) -> list[dict[str, Any]]:
    """The element map of a rendered Playwright page (dicts in document order)."""
    result: list[dict[str, Any]] = json.loads(await page.evaluate(ELEMENT_MAP_JS, max_elements))
    return result


def element_records(elements: list[dict[str, Any]], capture_id: str, site: str,
                    url: str) -> list[Element]:
    """Element records for an element map; ids are stable per (capture_id, idx)."""
    records = []
    core = set(Element.model_fields)
    for idx, el in enumerate(elements):
        fields = {k: v for k, v in el.items() if k in core}
        extra = {k: v for k, v in el.items() if k not in core and v not in (None, False)}
        records.append(Element(element_id=stable_id(capture_id, idx), capture_id=capture_id,
                               site=site, url=url, idx=idx, extra=extra, **fields))
    return records
