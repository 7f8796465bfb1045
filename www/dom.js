// Small DOM helpers. Text always goes in through textContent.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function option(value, text) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

/**
 * A citation such as "RFC 2180 §4.1.3" as a link to that section at the RFC Editor; other text
 * ("Dovecot 2.3 behaviour") as plain text.
 */
export function rfcLink(text, className = 'rfc') {
  const m = /^RFC (\d+)(?: §([\d.]+))?/.exec(text);
  if (!m) return el('span', className, text);
  const a = el('a', className, text);
  a.href = `https://www.rfc-editor.org/rfc/rfc${m[1]}${m[2] ? `#section-${m[2]}` : ''}`;
  a.target = '_blank';
  a.rel = 'noopener';
  return a;
}
