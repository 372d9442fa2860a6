// Collects the visible text elements of a page (with box and style) and its ads.
import {
  AD_PATH, MAX_AD_TEXT, MAX_ELEMENTS, SKIP_TAGS, declaredTitle, hasArea, isAdLink, isAdPage,
  isMeaningfulText, isShownStyle, isTitleHeading, normalizeText,
} from "../lib/core.js";
import { isOwn } from "./own.js";

const INTERACTIVE = new Set(["BUTTON", "A", "LABEL", "SUMMARY", "OPTION"]);
const CARD_SELECTOR = "[data-ad-id], article, li, [itemtype], .card, .ad, .listing, .item, tr";
// Marketplaces put an ad's title in an h1, an h2, or a microdata name, and its text in many places.
const TITLE_SELECTOR = 'h1, h2, h3, [itemprop="name"]';
const DESCRIPTION_SELECTOR = '[itemprop="description"], .description, #description, [class*="desc"]';

function ownText(el) {
  let text = "";
  for (const node of el.childNodes) if (node.nodeType === 3) text += node.nodeValue;
  return text;
}

function visibleText(el) {
  // innerText honours CSS (hidden children, line breaks); textContent is the fallback off-layout.
  // The extension draws nothing inside the page's elements, so this is the page's text only.
  return el.innerText ?? el.textContent ?? "";
}

function describe(el, win, id, kind, text) {
  const rect = el.getBoundingClientRect();
  const style = win.getComputedStyle(el);
  const weight = Number.parseInt(style.fontWeight, 10);
  const out = {
    id, kind, text,
    tag: el.tagName.toLowerCase(),
    role: el.getAttribute("role"),
    x: rect.left + (win.scrollX || 0),
    y: rect.top + (win.scrollY || 0),
    width: rect.width,
    height: rect.height,
    font_size: Number.parseFloat(style.fontSize) || null,
    font_weight: Number.isFinite(weight) ? weight : null,
    color: style.color || null,
    background_color: style.backgroundColor || null,
    in_overlay: style.position === "fixed" || style.position === "sticky",
  };
  if (el.tagName === "INPUT") {
    out.input_type = el.type;
    out.checked = Boolean(el.checked);
  }
  return out;
}

function isShown(el, win) {
  return hasArea(el.getBoundingClientRect()) && isShownStyle(win.getComputedStyle(el));
}

function inputText(input) {
  const label = input.labels && input.labels[0];
  return label ? visibleText(label) : input.getAttribute("aria-label") || input.value || "";
}

/** The element holding the ad's title on an ad page: the heading matching the declared title. */
function adTitle(doc, win) {
  const og = doc.querySelector('meta[property="og:title"]');
  const declared = declaredTitle(og ? og.getAttribute("content") : "", doc.title);
  const shown = [...doc.querySelectorAll(TITLE_SELECTOR)]
    .filter((el) => !isOwn(el) && isShown(el, win));
  return shown.find((el) => isTitleHeading(visibleText(el), declared))
    || shown.find((el) => el.tagName === "H1") || null;
}

/** The ad's description text: a shown description element, else the page's meta description. */
function adDescription(doc, win, title) {
  for (const el of doc.querySelectorAll(DESCRIPTION_SELECTOR)) {
    if (el.contains(title) || title.contains(el) || isOwn(el)) continue;
    if (isShown(el, win)) return visibleText(el);
  }
  const meta = doc.querySelector('meta[name="description"], meta[property="og:description"]');
  return meta ? meta.getAttribute("content") || "" : "";
}

/** Ads on the page: the page itself if it is an ad, and cards linking to ads on listings. */
export function collectAds(doc, win, pageUrl, next) {
  const found = [];
  if (isAdPage(pageUrl)) {
    const title = adTitle(doc, win);
    if (title) {
      const text = normalizeText(`${visibleText(title)}\n${adDescription(doc, win, title)}`, MAX_AD_TEXT);
      if (isMeaningfulText(text)) {
        found.push({ el: title, data: { ...describe(title, win, next(), "ad", text), href: pageUrl } });
      }
    }
  }
  const cards = new Set();
  for (const link of doc.querySelectorAll("a[href]")) {
    if (isOwn(link) || !AD_PATH.test(link.getAttribute("href") || "")) continue;
    if (!isAdLink(link.href, pageUrl)) continue;
    const card = link.closest(CARD_SELECTOR) || link;
    if (cards.has(card) || card === doc.body || !isShown(card, win)) continue;
    cards.add(card);
    const text = normalizeText(visibleText(card), MAX_AD_TEXT);
    if (!isMeaningfulText(text)) continue;
    found.push({ el: card, data: { ...describe(card, win, next(), "ad", text), href: link.href } });
  }
  return found;
}

/** The page's visible text elements and ads, as request elements plus id -> element handles. */
export function collectPage(doc, win, pageUrl, maxElements = MAX_ELEMENTS) {
  let counter = 0;
  const next = () => `e${counter++}`;
  const handles = new Map();
  const elements = [];
  const add = (el, data) => {
    handles.set(data.id, el);
    elements.push(data);
  };
  for (const { el, data } of collectAds(doc, win, pageUrl, next)) add(el, data);
  const root = doc.body;
  if (!root) return { elements, handles };
  for (const el of root.querySelectorAll("*")) {
    if (elements.length >= maxElements) break;
    if (SKIP_TAGS.has(el.tagName) || isOwn(el)) continue;
    let text;
    if (el.tagName === "INPUT") {
      if (el.type !== "checkbox" && el.type !== "radio") continue;
      text = inputText(el);
    } else if (el.tagName === "SELECT" || el.tagName === "TEXTAREA") {
      continue;
    } else if (INTERACTIVE.has(el.tagName) || ownText(el).trim()) {
      text = visibleText(el);
    } else {
      continue;
    }
    text = normalizeText(text);
    if (!isMeaningfulText(text) || !isShown(el, win)) continue;
    add(el, describe(el, win, next(), "ui_element", text));
  }
  return { elements, handles };
}
