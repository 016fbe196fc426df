/**
 * Escaping shared by the SVG and HTML writers. The same function is safe for
 * text content and for double- or single-quoted attribute values in both
 * XML and HTML.
 */

// Characters XML 1.0 forbids outright (C0 controls except tab/LF/CR, lone
// surrogates, U+FFFE/U+FFFF). No escape makes them well-formed, so they are dropped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(value: unknown): string {
  return String(value).replace(INVALID_XML, '').replace(/[&<>"']/g, (c) => ENTITY[c]);
}
