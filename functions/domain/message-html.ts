/**
 * Customer messages as HTML: the templates' paragraphs (reply-templates.ts), and the HTML part
 * made from a stored message's text. Messages are stored as text only; the HTML is made when a
 * message is sent (DeliverMessages) or shown to staff - so that the item DynamoDB writes, and
 * rewrites at each delivery step, is about half the size. Small on purpose: DeliverMessages
 * carries it without the templates.
 */

/** A paragraph: text, or a label and an address (a link in HTML only when it is http(s)). */
export type Paragraph = string | { label: string; href: string };

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

export function paragraphText(p: Paragraph): string {
  return typeof p === 'string' ? p : p.label + p.href;
}

function paragraphHtml(p: Paragraph): string {
  if (typeof p !== 'string' && /^https?:\/\//i.test(p.href)) {
    const href = escapeHtml(p.href);
    return `<p>${escapeHtml(p.label)}<a href="${href}">${href}</a></p>`;
  }
  return `<p>${escapeHtml(paragraphText(p)).replace(/\r?\n/g, '<br>\n')}</p>`;
}

/**
 * The HTML part of a message from its text: paragraphs are separated by a blank line, a
 * one-line paragraph that ends in an http(s) address links it (the templates' links), line
 * breaks inside a paragraph are kept. renderCustomerMessage makes its HTML with it too, so
 * the HTML sent is the HTML the template gives.
 */
export function messageHtml(language: string, subject: string, text: string): string {
  const paragraphs: Paragraph[] = text.split('\n\n').map((p) => {
    const m = /^([^\n]*?)(https?:\/\/\S+)$/i.exec(p);
    return m ? { label: m[1], href: m[2] } : p;
  });
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    `<body>\n${paragraphs.map(paragraphHtml).join('\n')}\n</body></html>`,
  ].join('\n');
}
