/**
 * A small XML 1.0 well-formedness checker for the generated SVG, so the tests
 * need no parser dependency. It checks what our writers could get wrong:
 * balanced and properly nested tags, a single root, quoted and unique
 * attributes, no raw '<' or stray '&' in text or attribute values, and no
 * characters XML forbids. It does not do DTDs or namespaces.
 */
const NAME = /^[A-Za-z_:][\w.:-]*/;
const ATTR = /^\s+([A-Za-z_:][\w.:-]*)\s*=\s*("[^"]*"|'[^']*')/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** null when `s` is well-formed, otherwise a description of the first problem. */
export function xmlError(s: string): string | null {
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const text = s.slice(i, lt < 0 ? s.length : lt);
    const bad = charDataError(text);
    if (bad) return `${bad} at ${i}`;
    if (stack.length === 0 && text.trim() !== '') return `text outside the root element at ${i}`;
    if (lt < 0) break;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      if (end < 0) return 'unterminated comment';
      i = end + 3;
      continue;
    }
    if (s.startsWith('<?', lt)) {
      const end = s.indexOf('?>', lt + 2);
      if (end < 0) return 'unterminated processing instruction';
      i = end + 2;
      continue;
    }
    const gt = tagEnd(s, lt);
    if (gt < 0) return `unterminated tag at ${lt}`;
    const tag = s.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trimEnd();
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open ?? 'nothing'}> at ${lt}`;
      continue;
    }
    const name = NAME.exec(tag)?.[0];
    if (!name) return `bad tag name at ${lt}`;
    let rest = tag.slice(name.length);
    const selfClosing = rest.endsWith('/');
    if (selfClosing) rest = rest.slice(0, -1);
    const seen = new Set<string>();
    for (let m = ATTR.exec(rest); m; m = ATTR.exec(rest)) {
      if (seen.has(m[1])) return `duplicate attribute ${m[1]} at ${lt}`;
      seen.add(m[1]);
      const value = m[2].slice(1, -1);
      if (value.includes('<')) return `'<' in attribute ${m[1]} at ${lt}`;
      const vbad = charDataError(value);
      if (vbad) return `${vbad} in attribute ${m[1]} at ${lt}`;
      rest = rest.slice(m[0].length);
    }
    if (rest.trim() !== '') return `malformed attributes "${rest.trim()}" at ${lt}`;
    if (stack.length === 0 && roots++ > 0) return `second root element at ${lt}`;
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) return `unclosed <${stack[stack.length - 1]}>`;
  return roots === 1 ? null : 'no root element';
}

/** Index of the '>' ending the tag that starts at `lt`, skipping quoted attribute values. */
function tagEnd(s: string, lt: number): number {
  let quote = '';
  for (let j = lt + 1; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
    else if (c === '<') return -1;
  }
  return -1;
}

function charDataError(t: string): string | null {
  if (BAD_CHAR.test(t)) return 'forbidden character';
  if (t.includes(']]>')) return "']]>' in text";
  for (let j = t.indexOf('&'); j >= 0; j = t.indexOf('&', j + 1)) {
    if (!ENTITY.test(t.slice(j))) return 'bare &';
  }
  return null;
}
