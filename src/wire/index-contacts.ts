/**
 * Contacts for the in-memory swarm: a handle is the node's global index, its
 * ID comes from the shard's PeerIds table, and its address is the index
 * itself (tag 0). A contact is accepted only if the index exists and the ID
 * matches the table, so a peer cannot make a node believe a wrong ID.
 */
import { ID_BYTES, ID_WORDS } from '../core/id.js';
import type { PeerIds } from '../core/peers.js';
import { AddressTag } from './address.js';
import { readU32, writeU32 } from './bytes.js';
import { idBytesEqualWords, writeIdFromWords, type ContactReader, type ContactWriter } from './contacts.js';

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

  readContact(bytes: Uint8Array, at: number, tag: AddressTag): number {
    if (tag !== AddressTag.Index) return -1;
    const peers = this.peers;
    const index = readU32(bytes, at + ID_BYTES + 1);
    if (index >= peers.count) return -1;
    return idBytesEqualWords(bytes, at, peers.words, index * ID_WORDS) ? index : -1;
  }
}
