// The extension's own nodes in the page (the overlay host): never collected, never a reason to
// rescan. Kept in this script's memory, so the page cannot tell them apart by an attribute.
const ownNodes = new WeakSet();

/** Remember `node` (and so everything under it) as the extension's own. */
export function markOwn(node) {
  ownNodes.add(node);
  return node;
}

/** True if `node` is, or is inside, one of the extension's own nodes. */
export function isOwn(node) {
  for (let n = node; n; n = n.parentNode) if (ownNodes.has(n)) return true;
  return false;
}
