/**
 * Where the routing tables of a thread keep their words: regions of a few large Uint32Array
 * chunks, instead of one typed array per table. A Uint32Array and its ArrayBuffer cost ~184 B of
 * JS objects besides their words (and a malloc'd backing store each), about an eighth of a
 * joined node's table; a region costs three header words.
 *
 * Contract: `allocate(owner, words)` gives an owner (a routing table) a zeroed region and sets
 * its `data` (the chunk) and `base` (the region's first word); `resize` moves it to a region of
 * another size, words kept; `release` gives it back. The slab may move any region at any of
 * these calls (compaction) and then rewrites that owner's `data` and `base`, so an owner re-reads
 * both after every call and holds no copy across one. `compactAll` (a host measuring memory)
 * moves every region, to other chunks too; nothing else moves one.
 *
 * The slab holds every owner until it is released: a table dropped without `release` (through
 * KadNode.discard) keeps its region and itself for the thread's life.
 *
 * How: a region that is the last of its chunk grows in place. Otherwise allocation takes a freed
 * region of exactly the size asked for (tables grow a block at a time through the same sizes,
 * so a size one table left is soon wanted by another), else the next words of the current
 * chunk (a bump pointer). Freed regions nobody takes are garbage in their chunk until it passes
 * an eighth of the chunk; then the chunk's live regions slide down over it in address order
 * (their owners rewritten) and the room that opens at its end is used next.
 *
 * A region's three header words, just before `base`: the owner's index in `owners`, the
 * region's size in words (header included) and its chunk's index.
 */

/** What the slab moves: a routing table's view of its region. */
export interface SlabOwner {
  data: Uint32Array;
  base: number;
}

/** Words of one chunk (256 KB); a region larger than that gets a chunk of its own size. */
const CHUNK_WORDS = 1 << 16;
/** Header words before every region: owner index, region size, chunk index. */
const HEADER = 3;
/** A chunk is compacted once this share of its words is garbage (freed and not taken again). */
const COMPACT_SHARE = 1 / 8;
/** What a released owner points at: reads find nothing, writes go nowhere. */
export const RELEASED = new Uint32Array(0);

export class TableSlab {
  private readonly chunks: Uint32Array[] = [];
  /** Words in use (live or garbage) at the front of each chunk: its bump pointer. */
  private readonly used: number[] = [];
  /** Words of freed regions in each chunk, not yet slid over. */
  private readonly garbage: number[] = [];
  /** Owner of each index a region header names; null where free (indices are reused). */
  private readonly owners: Array<SlabOwner | null> = [];
  private readonly freeIndices: number[] = [];
  /** Chunk that allocations take words from. */
  private current = -1;
  /** Chunks that compaction left room at the end of, to be used before a new chunk. */
  private readonly roomy: number[] = [];
  /** Freed regions by size (header included), each as chunk × 2^32 + first word. */
  private readonly free = new Map<number, number[]>();

  /** Bytes of every chunk (what the thread has allocated for its tables). */
  get bytes(): number {
    let b = 0;
    for (const c of this.chunks) b += c.byteLength;
    return b;
  }

  /**
   * Bytes in use: every region, live or freed, with its header, up to each chunk's bump pointer.
   * The memory report counts this, as it counts the JS heap's used size and not its free space:
   * a chunk's end that no region has reached yet is room, not table bytes (and the OS has not
   * even committed its pages).
   */
  get usedBytes(): number {
    let w = 0;
    for (const u of this.used) w += u;
    return w * 4;
  }

  /** Gives `owner` a zeroed region of `words` words (its data and base set). */
  allocate(owner: SlabOwner, words: number): void {
    const index = this.freeIndices.length > 0 ? this.freeIndices.pop()! : this.owners.length;
    this.owners[index] = owner;
    this.place(owner, index, words);
  }

  /** Moves `owner` to a region of `words` words, its first min(old, new) words kept and the rest zero. */
  resize(owner: SlabOwner, words: number): void {
    if (owner.data === RELEASED) throw new Error('table slab: a released table cannot grow');
    const oldData = owner.data;
    const oldBase = owner.base;
    const index = oldData[oldBase - 3]!;
    const oldWords = oldData[oldBase - 2]! - HEADER;
    const c = oldData[oldBase - 1]!;
    const end = oldBase + oldWords;
    if (end === this.used[c] && oldBase + words <= oldData.length) {
      // The last region of its chunk: it grows (or shrinks) where it is.
      if (words > oldWords) oldData.fill(0, end, oldBase + words);
      oldData[oldBase - 2] = words + HEADER;
      this.used[c] = oldBase + words;
      return;
    }
    this.place(owner, index, words);
    // The old region is still intact: nothing compacts before it is freed below.
    const n = Math.min(oldWords, words);
    if (owner.data === oldData) oldData.copyWithin(owner.base, oldBase, oldBase + n);
    else owner.data.set(oldData.subarray(oldBase, oldBase + n), owner.base);
    this.freeRegion(oldData[oldBase - 1]!, oldBase - HEADER, oldWords + HEADER);
  }

  /** Gives the region back; the owner then points at an empty array. */
  release(owner: SlabOwner): void {
    const data = owner.data;
    if (data === RELEASED) return;
    const base = owner.base;
    const index = data[base - 3]!;
    this.owners[index] = null;
    this.freeIndices.push(index);
    owner.data = RELEASED;
    owner.base = 0;
    this.freeRegion(data[base - 1]!, base - HEADER, data[base - 2]!);
  }

  /** Words the region of `owner` holds (header not counted). */
  wordsOf(owner: SlabOwner): number {
    return owner.data === RELEASED ? 0 : regionWords(owner.data, owner.base);
  }

  private place(owner: SlabOwner, index: number, words: number): void {
    const size = words + HEADER;
    let c: number;
    let at: number;
    const list = this.free.get(size);
    if (list !== undefined && list.length > 0) {
      const where = list.pop()!;
      // `| 0`: small integers, so the owner's base field stays a small integer and not a boxed double (16 B per table).
      c = Math.floor(where / 2 ** 32) | 0;
      at = where % 2 ** 32 | 0;
      this.garbage[c] = this.garbage[c]! - size;
    } else {
      c = this.chunkWithRoom(size);
      at = this.used[c]!;
      this.used[c] = at + size;
    }
    const data = this.chunks[c]!;
    data.fill(0, at + HEADER, at + size); // a freed region, or words compaction left behind the bump pointer
    data[at] = index;
    data[at + 1] = size;
    data[at + 2] = c;
    owner.data = data;
    owner.base = at + HEADER;
  }

  private chunkWithRoom(size: number): number {
    const cur = this.current;
    if (cur >= 0 && this.used[cur]! + size <= this.chunks[cur]!.length) return cur;
    while (this.roomy.length > 0) {
      const c = this.roomy.pop()!;
      if (this.used[c]! + size <= this.chunks[c]!.length) return (this.current = c);
    }
    this.chunks.push(new Uint32Array(Math.max(CHUNK_WORDS, size)));
    this.used.push(0);
    this.garbage.push(0);
    return (this.current = this.chunks.length - 1);
  }

  private freeRegion(c: number, at: number, size: number): void {
    const data = this.chunks[c]!;
    if (at + size === this.used[c]) {
      this.used[c] = at; // the last region of its chunk: the bump pointer takes it back at once
      if (c !== this.current) this.markRoomy(c);
      return;
    }
    data[at] = 0xffffffff; // no owner
    this.garbage[c] = this.garbage[c]! + size;
    if (this.garbage[c]! >= data.length * COMPACT_SHARE) this.compact(c);
    else {
      const list = this.free.get(size);
      const where = c * 2 ** 32 + at;
      if (list === undefined) this.free.set(size, [where]);
      else list.push(where);
    }
  }

  /**
   * Packs every live region toward the first chunks, in chunk and address order, and gives back
   * the chunks left empty: the slab's own full collection, for the moment a host measures memory
   * (as it forces the JS heap's GC first). A region moves to an earlier chunk only where it fits
   * whole; every owner moved is rewritten.
   */
  compactAll(): void {
    let w = 0; // chunk written to
    let to = 0; // next free word in it
    for (let c = 0; c < this.chunks.length; c++) {
      const data = this.chunks[c]!;
      const end = this.used[c]!;
      for (let at = 0; at < end; ) {
        const index = data[at]!;
        const size = data[at + 1]!;
        if (index !== 0xffffffff) {
          // The write cursor is never past the region: an earlier chunk (the ones between it and c
          // are emptied already), or c itself at a lower word.
          while (w < c && to + size > this.chunks[w]!.length) {
            this.used[w] = to;
            w++;
            to = 0;
          }
          const dst = this.chunks[w]!;
          if (w !== c || to !== at) {
            dst.set(data.subarray(at, at + size), to); // a copy down within one chunk: set() copies as memmove
            dst[to + 2] = w;
            const owner = this.owners[index]!;
            owner.data = dst;
            owner.base = to + HEADER;
          }
          to += size;
        }
        at += size;
      }
      if (w < c) this.used[c] = 0;
    }
    this.used[w] = to;
    // The chunks past the last written one are empty: give them back.
    const keep = this.chunks.length === 0 ? 0 : w + 1;
    this.chunks.length = keep;
    this.used.length = keep;
    this.garbage.length = 0;
    for (let c = 0; c < keep; c++) this.garbage.push(0);
    this.free.clear();
    this.roomy.length = 0;
    this.current = keep - 1;
  }

  /** Slides the live regions of chunk c down over its garbage, in address order, and rewrites their owners. */
  private compact(c: number): void {
    const data = this.chunks[c]!;
    const end = this.used[c]!;
    let to = 0;
    // Live regions between two garbage ones move as one run: one copy, not one per region.
    let runFrom = 0;
    for (let at = 0; at < end; ) {
      const index = data[at]!;
      const size = data[at + 1]!;
      if (index === 0xffffffff) {
        if (at > runFrom && to !== runFrom) data.copyWithin(to, runFrom, at);
        to += at - runFrom;
        runFrom = at + size;
      } else if (to !== runFrom) {
        this.owners[index]!.base = to + (at - runFrom) + HEADER;
      }
      at += size;
    }
    if (end > runFrom && to !== runFrom) data.copyWithin(to, runFrom, end);
    to += end - runFrom;
    this.used[c] = to;
    this.garbage[c] = 0;
    // The chunk's freed regions are gone: its entries leave the free lists.
    for (const [size, list] of this.free) {
      let n = 0;
      for (const where of list) if (Math.floor(where / 2 ** 32) !== c) list[n++] = where;
      list.length = n;
      if (n === 0) this.free.delete(size);
    }
    if (c !== this.current) this.markRoomy(c);
  }

  /** Puts chunk c among those to fill before a new chunk is made (once). */
  private markRoomy(c: number): void {
    if (!this.roomy.includes(c)) this.roomy.push(c);
  }
}

/** Words of the live region at `base` in chunk `data` (header not counted): for the table's hot paths, no call into the slab. */
export function regionWords(data: Uint32Array, base: number): number {
  return data[base - 2]! - HEADER;
}

/** The slab of this thread's tables: the core is single-threaded, so one serves every table. */
export const tableSlab = new TableSlab();

/** Bytes of the thread's table slab in use, for memory reports (TableSlab.usedBytes). */
export function tableSlabBytes(): number {
  return tableSlab.usedBytes;
}
