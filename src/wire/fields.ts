/** Field checks shared by encode (catch caller bugs) and decode (drop bad datagrams). */
import { ID_BYTES } from '../core/id.js';

export function isU32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

export function isVersion(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function isTtl(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

export function isId(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.length === ID_BYTES;
}

export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}
