/**
 * Decoded messages, reused: FIND_NODE, FIND_VALUE and NODES (80 % of a swarm's messages), which
 * each cost a Message plus a typed array: a fresh 20-byte ID, or a view of the reply's
 * handles (a typed array costs ~75 ns to make, as much as the rest of a FIND_NODE decode; these
 * were a third of a shard's allocations). The core reads all three only while it handles them:
 * closestTo copies a target into words, a FIND_VALUE's key is only looked up (a cache-hit event
 * carries a copy), and a lookup copies a reply's contacts into its shortlist and the table. So
 * a host that decodes for its nodes hands each back once delivered (releaseMessage) and the next
 * decode fills it again. PING, PONG and STORE_ACK (a fifth) cost a Message only, and are reused
 * alike: a PONG or STORE_ACK is read by its waiter while it settles, never kept. STORE and VALUE
 * are not: the store and a get's result keep their bytes.
 *
 * Only a host that knows the message went nowhere but its node's handler may release it (the
 * swarm's Cluster, not for an adversary's answer). decodeInto takes from the pool; decodeMessage
 * and decodeStaged (UDP, tests) take from it too (NODES aside) but never give back,
 * so for them it is a fresh message, as before. At most MAX_POOLED wait per kind (~60 KB a
 * shard in all): at 10k nodes 64 missed ~20 % of takes (a pass decodes hundreds of same-shard
 * messages before it delivers them), 128 ~9 %, 256 under 1 % but ~35 B per node of heap.
 */
import { ID_BYTES } from '../core/id.js';
import { MessageType, type FindNode, type FindValue, type Message, type Nodes, type Ping, type Pong, type StoreAck } from '../core/messages.js';

const MAX_POOLED = 128;
/** Reply lengths pooled (k is 20 by default): a longer NODES is made afresh. */
const MAX_POOLED_CONTACTS = 32;
const findNodes: FindNode[] = [];
const findValues: FindValue[] = [];
const pings: Ping[] = [];
const pongs: Pong[] = [];
const storeAcks: StoreAck[] = [];
/** By contact count: a pooled NODES keeps its own handles (a view of `count` words nothing else holds). */
const nodes: Nodes[][] = Array.from({ length: MAX_POOLED_CONTACTS + 1 }, () => []);

/** A FIND_NODE for `rpc` whose target is `b[at … at+20)` (copied). */
export function takeFindNode(rpc: number, b: Uint8Array, at: number): FindNode {
  const m = findNodes.pop() ?? { type: MessageType.FindNode, rpc: 0, target: new Uint8Array(ID_BYTES) };
  m.rpc = rpc;
  copyId(b, at, m.target);
  return m;
}

/** A FIND_VALUE for `rpc` whose key is `b[at … at+20)` (copied). */
export function takeFindValue(rpc: number, b: Uint8Array, at: number): FindValue {
  const m = findValues.pop() ?? { type: MessageType.FindValue, rpc: 0, key: new Uint8Array(ID_BYTES) };
  m.rpc = rpc;
  copyId(b, at, m.key);
  return m;
}

/** A PING or PONG for `rpc` (the waiters of PONG and STORE_ACK read them only while settling). */
export function takePing(rpc: number): Ping {
  const m = pings.pop() ?? { type: MessageType.Ping, rpc: 0 };
  m.rpc = rpc;
  return m;
}

export function takePong(rpc: number): Pong {
  const m = pongs.pop() ?? { type: MessageType.Pong, rpc: 0 };
  m.rpc = rpc;
  return m;
}

export function takeStoreAck(rpc: number, ok: boolean, code: number): StoreAck {
  const m = storeAcks.pop() ?? { type: MessageType.StoreAck, rpc: 0, ok: false, code: 0 };
  m.rpc = rpc;
  m.ok = ok;
  m.code = code;
  return m;
}

/**
 * A NODES (no token) for `rpc` whose `contacts` is its own array of `count` handles, to be
 * written by the caller; null above MAX_POOLED_CONTACTS.
 */
export function takeNodes(rpc: number, count: number): Nodes | null {
  if (count > MAX_POOLED_CONTACTS) return null;
  const m = nodes[count]!.pop() ?? { type: MessageType.Nodes, rpc: 0, contacts: ownHandles(count) };
  m.rpc = rpc;
  return m;
}

/** Hands back a decoded message its node has handled (a no-op for the other types). */
export function releaseMessage(m: Message): void {
  // By frequency: NODES and FIND_NODE are two thirds of a swarm's messages.
  if (m.type === MessageType.Nodes) {
    if (m.token === undefined) {
      // Its contacts are its own (takeNodes' view, or for a long list readContactList's, which
      // nothing else holds) and may have shrunk (a refused contact): it waits under their length.
      const pool = nodes[m.contacts.length];
      if (pool !== undefined && pool.length < MAX_POOLED) pool.push(m);
    }
  } else if (m.type === MessageType.FindNode) {
    if (findNodes.length < MAX_POOLED) findNodes.push(m);
  } else if (m.type === MessageType.FindValue) {
    if (findValues.length < MAX_POOLED) findValues.push(m);
  } else if (m.type === MessageType.StoreAck) {
    if (storeAcks.length < MAX_POOLED) storeAcks.push(m);
  } else if (m.type === MessageType.Ping) {
    if (pings.length < MAX_POOLED) pings.push(m);
  } else if (m.type === MessageType.Pong) {
    if (pongs.length < MAX_POOLED) pongs.push(m);
  }
}

// Pooled handle arrays are views of a slab: one typed array less per pooled message made.
const SLAB = 4096;
let slab = new Uint32Array(SLAB);
let slabUsed = 0;

function ownHandles(count: number): Uint32Array {
  if (slabUsed + count > SLAB) {
    slab = new Uint32Array(SLAB);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + count);
  slabUsed += count;
  return view;
}

// A loop: 20 bytes are copied faster than set() and subarray() set up their arguments.
function copyId(b: Uint8Array, at: number, out: Uint8Array): void {
  for (let i = 0; i < ID_BYTES; i++) out[i] = b[at + i]!;
}
