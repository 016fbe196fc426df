/**
 * Contacts for the in-memory swarm: a handle is the node's global index, its
 * ID comes from the shard's PeerIds table, and its address is the index
 * itself (tag 0). A contact is accepted only if the index exists and the ID
 * matches the table, so a peer cannot make a node believe a wrong ID.
 */
import { ID_BYTES, ID_WORDS } from '../core/id.js';
import type { PeerIds } from '../core/peers.js';
import { addressBodyBytes, AddressTag, MAX_CONTACT_BYTES } from './address.js';
import { readU32, writeU32 } from './bytes.js';
import { idBytesEqualWords, writeIdFromWords, type ContactReader, type ContactWriter } from './contacts.js';

/** ID, tag, u32 index. */
const INDEX_CONTACT_BYTES = ID_BYTES + 5;

export class IndexContacts implements ContactWriter, ContactReader {
  constructor(readonly peers: PeerIds) {}

  writeContact(handle: number, out: Uint8Array, at: number): number {
    if (!(handle < this.peers.count)) throw new RangeError(`no node with index ${handle} (count ${this.peers.count})`);
    writeIdFromWords(this.peers.words, handle * ID_WORDS, out, at);
    const a = at + ID_BYTES;
    out[a] = AddressTag.Index;
    writeU32(out, a + 1, handle);
    return a + 5;
  }

  /** All of `handles` at 25 bytes each (see ContactWriter.writeContacts). */
  writeContacts(handles: Uint32Array, out: Uint8Array, view: DataView, at: number, limit: number): number {
    const n = handles.length;
    // writeContact one by one checks room for the largest contact before each: the last is the one that counts.
    if (n > 0 && at + (n - 1) * INDEX_CONTACT_BYTES + MAX_CONTACT_BYTES > limit) return -1;
    const count = this.peers.count;
    const words = this.peers.words;
    for (let i = 0; i < n; i++) {
      const handle = handles[i]!;
      if (!(handle < count)) throw new RangeError(`no node with index ${handle} (count ${count})`);
      const w = handle * ID_WORDS;
      view.setUint32(at, words[w]!);
      view.setUint32(at + 4, words[w + 1]!);
      view.setUint32(at + 8, words[w + 2]!);
      view.setUint32(at + 12, words[w + 3]!);
      view.setUint32(at + 16, words[w + 4]!);
      out[at + ID_BYTES] = AddressTag.Index;
      view.setUint32(at + ID_BYTES + 1, handle);
      at += INDEX_CONTACT_BYTES;
    }
    return at;
  }

  /** readContact over a whole list, with word reads (see ContactReader.readContacts). */
  readContacts(bytes: Uint8Array, view: DataView, viewAt: number, start: number, end: number, out: Uint32Array, n: number): number {
    const count = this.peers.count;
    const words = this.peers.words;
    for (let at = start; at < end; ) {
      const tag = bytes[at + ID_BYTES]!;
      if (tag !== AddressTag.Index) {
        at += ID_BYTES + 1 + addressBodyBytes(tag); // framing already checked: a known tag
        continue;
      }
      const v = viewAt + at;
      const index = view.getUint32(v + ID_BYTES + 1);
      if (index < count) {
        const w = index * ID_WORDS;
        if (
          view.getUint32(v) === words[w] &&
          view.getUint32(v + 4) === words[w + 1] &&
          view.getUint32(v + 8) === words[w + 2] &&
          view.getUint32(v + 12) === words[w + 3] &&
          view.getUint32(v + 16) === words[w + 4]
        ) {
          out[n++] = index;
        }
      }
      at += INDEX_CONTACT_BYTES;
    }
    return n;
  }

  readContact(bytes: Uint8Array, at: number, tag: AddressTag): number {
    if (tag !== AddressTag.Index) return -1;
    const peers = this.peers;
    const index = readU32(bytes, at + ID_BYTES + 1);
    if (index >= peers.count) return -1;
    return idBytesEqualWords(bytes, at, peers.words, index * ID_WORDS) ? index : -1;
  }
}
