/** IP address text ↔ bytes, written out because Node has no public API for the IPv6 byte form. */
import { readU16, writeU16 } from './bytes.js';

/** Writes four bytes of a dotted-quad IPv4 address; false when `s` is not one. */
export function parseIPv4(s: string, out: Uint8Array, at: number): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // Leading zeros are refused: some parsers read them as octal.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return false;
    out[at + i] = Number(p);
  }
  return true;
}

/** Writes 16 bytes of an IPv6 address (with "::" and a trailing dotted quad allowed); false when invalid. */
export function parseIPv6(s: string, out: Uint8Array, at: number): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const head = parseGroups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1]!, true) : [];
  if (!head || !tail) return false;
  const n = head.length + tail.length;
  if (halves.length === 1 ? n !== 8 : n > 7) return false;
  out.fill(0, at, at + 16);
  head.forEach((w, i) => writeU16(out, at + 2 * i, w));
  tail.forEach((w, i) => writeU16(out, at + 16 - 2 * (tail.length - i), w));
  return true;
}

/** Colon-separated hex groups as 16-bit words; the last may be a dotted quad when `v4Last`. */
function parseGroups(s: string, v4Last: boolean): number[] | null {
  if (s === '') return [];
  const parts = s.split(':');
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (v4Last && i === parts.length - 1 && p.includes('.')) {
      const q = new Uint8Array(4);
      if (!parseIPv4(p, q, 0)) return null;
      words.push((q[0]! << 8) | q[1]!, (q[2]! << 8) | q[3]!);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
      words.push(parseInt(p, 16));
    }
  }
  return words;
}

/** RFC 5952 text: lowercase, longest run (≥ 2) of zero groups as "::", IPv4-mapped as ::ffff:a.b.c.d. */
export function formatIPv6(bytes: Uint8Array, at: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(readU16(bytes, at + 2 * i));
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, at + 12)}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = (ws: number[]) => ws.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(w);
  return `${hex(w.slice(0, best))}::${hex(w.slice(best + bestLen))}`;
}

export function formatIPv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}
