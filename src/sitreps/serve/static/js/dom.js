// DOM helpers. Text from the database is untrusted (it comes from web pages): it only ever
// becomes DOM text nodes (textContent), never HTML. Nothing here uses innerHTML.

const SAFE_SCHEMES = new Set(["http:", "https:"]);

/** An element with attributes and children; strings become text nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) throw new Error(`event handler attributes are not allowed: ${name}`);
    if (name === "className") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

/** Appends children: nodes as they are, anything else as text. */
export function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Removes every child of a node. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** The URL if it is an absolute http(s) URL, else null (javascript:, data:, relative…). */
export function safeUrl(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const url = new URL(value);
    return SAFE_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** A link that opens a source page, or the plain text when the URL is not http(s). */
export function sourceLink(url, label) {
  const href = safeUrl(url);
  if (!href) return el("span", { className: "unsafe-url", title: "not an http(s) link" }, label || url || "");
  return el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, label || href);
}

/** A definition list from [term, value] pairs (values: text or nodes; empty ones skipped). */
export function fieldList(pairs) {
  const list = el("dl", { className: "fields" });
  for (const [term, value] of pairs) {
    if (value === undefined || value === null || value === "") continue;
    list.append(el("dt", {}, term), el("dd", {}, value));
  }
  return list;
}
