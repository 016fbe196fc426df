/**
 * Contacts for UDP: interns (ID, address) pairs into handles. The ID table is
 * the PeerIds the core reads; addresses sit beside it in one byte array of
 * fixed 19-byte slots (a tagged address, as on the wire), so a peer costs
 * 20 + 19 bytes plus its Map entry instead of an object.
 *
 * Handle 0 is the local node. The book is bounded (default 65,536 peers):
 * a full book refuses new pairs with -1, which the codec counts as a dropped
 * contact, so a flood of made-up contacts cannot grow memory without limit.
 * Handles are never reused: the core may still hold an old one.
 */
import { ID_BYTES, ID_WORDS } from '../core/id.js';
import { PeerIds } from '../core/peers.js';
import { AddressTag, addressBodyBytes, MAX_ADDRESS_BYTES, MAX_CONTACT_BYTES, readAddress, writeAddress, type Address } from './address.js';
import { writeIdFromWords, type ContactReader, type ContactWriter } from './contacts.js';

export const DEFAULT_ADDRESS_BOOK_CAPACITY = 65_536;
const SLOT = MAX_ADDRESS_BYTES;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function fnv(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h;
}

export class AddressBook extends PeerIds implements ContactWriter, ContactReader {
  readonly capacity: number;
  private addresses: Uint8Array;
  /** Key: hex of the contact as on the wire (ID, tag, address body). */
  private readonly handles = new Map<string, number>();
  private readonly scratch = new Uint8Array(MAX_CONTACT_BYTES);

  constructor(localId: Uint8Array, localAddress: Address, capacity = DEFAULT_ADDRESS_BOOK_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    const initial = Math.min(capacity, 64);
    super(initial);
    this.capacity = capacity;
    this.addresses = new Uint8Array(initial * SLOT);
    if (this.handleFor(localId, localAddress) !== 0) throw new Error('the local node must be handle 0');
  }

  /** The handle of (id, address), interning the pair if new; -1 when the book is full. */
  handleFor(id: Uint8Array, address: Address): number {
    if (id.length !== ID_BYTES) throw new RangeError('an ID is 20 bytes');
    this.scratch.set(id, 0);
    const end = writeAddress(address, this.scratch, ID_BYTES);
    return this.intern(this.scratch, 0, end);
  }

  /** FNV-1a of the peer's tagged address (IP and port): the key its write tokens are bound to. */
  override addressKey(handle: number): number {
    const from = handle * SLOT;
    return fnv(this.addresses, from, from + 1 + addressBodyBytes(this.addresses[from]!));
  }

  /**
   * The peer's quota group: FNV-1a of its tag and network prefix, /24 for IPv4 and /64 for
   * IPv6 (OpenDHT and libtorrent count per network, as one host often holds a whole prefix).
   */
  override groupKey(handle: number): number {
    const from = handle * SLOT;
    const tag = this.addresses[from]!;
    return fnv(this.addresses, from, from + 1 + (tag === AddressTag.IPv4 ? 3 : tag === AddressTag.IPv6 ? 8 : 4));
  }

  addressOf(handle: number): Address {
    if (!(handle < this.count)) throw new RangeError(`unknown handle ${handle}`);
    return readAddress(this.addresses, handle * SLOT)!;
  }

  writeContact(handle: number, out: Uint8Array, at: number): number {
    if (!(handle < this.count)) throw new RangeError(`unknown handle ${handle}`);
    writeIdFromWords(this.words, handle * ID_WORDS, out, at);
    const from = handle * SLOT;
    const end = from + 1 + addressBodyBytes(this.addresses[from]!);
    out.set(this.addresses.subarray(from, end), at + ID_BYTES);
    return at + ID_BYTES + (end - from);
  }

  /** Accepts IP contacts only: a swarm index means nothing over UDP, and port 0 cannot be sent to. */
  readContact(bytes: Uint8Array, at: number, tag: AddressTag): number {
    if (tag === AddressTag.Index) return -1;
    const end = at + ID_BYTES + 1 + addressBodyBytes(tag);
    if (bytes[end - 2] === 0 && bytes[end - 1] === 0) return -1;
    return this.intern(bytes, at, end);
  }

  private intern(bytes: Uint8Array, at: number, end: number): number {
    let key = '';
    for (let i = at; i < end; i++) key += HEX[bytes[i]!];
    const known = this.handles.get(key);
    if (known !== undefined) return known;
    if (this.count >= this.capacity) return -1;
    const handle = this.count;
    this.setId(handle, bytes.subarray(at, at + ID_BYTES));
    if ((handle + 1) * SLOT > this.addresses.length) {
      const grown = new Uint8Array(Math.min(this.capacity, (handle + 1) * 2) * SLOT);
      grown.set(this.addresses);
      this.addresses = grown;
    }
    this.addresses.set(bytes.subarray(at + ID_BYTES, end), handle * SLOT);
    this.handles.set(key, handle);
    return handle;
  }
}
