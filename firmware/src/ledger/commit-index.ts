/**
 * What is remembered of every commit, so that a repeated id is recognised: its sequence number
 * and the fingerprint of its operations (see `fingerprintOf`). The results themselves are in
 * the journal record (and, for recent commits, in memory too: see Ledger).
 */
export interface StoredCommit {
  fingerprint: string;
  seq: number;
}

/** A fingerprint as kept: 32 hex digits, or the 16 bytes they stand for. */
export type Fingerprint = string | Uint8Array;

/** Fingerprints are kept in chunks of this many sequence numbers (4 words each: 1 MiB). */
const CHUNK_SEQS = 65_536;
const WORDS = 4;
const HEX_FINGERPRINT = /^[0-9a-f]{32}$/;
const FINGERPRINT_BYTES = 16;
/** The table doubles when it is this full: linear probing stays short below it. */
const MAX_LOAD = 0.7;
const INITIAL_CAPACITY = 1024;
const SLOT_WORDS = 3;
/** Sequence numbers are held as u32 (plus one, so that 0 marks an empty slot). */
const MAX_SEQ = 0xffff_fffe;

/**
 * Every commit id ever seen, kept forever, compactly and out of the garbage collector's way:
 * a million of these live in memory, and a new id is looked up on every commit.
 *
 * An open-addressing hash table over a typed array: per slot the id's 32-bit hash, its
 * sequence number and where its string is, side by side; the id strings themselves are in
 * an array in the order they came. A lookup walks the hashes (adjacent words, one cache line
 * for several probes) and reads an id string only when its hash matches, so a new id usually
 * costs one memory access, where a Map with a million string keys costs several (bucket,
 * entry, key string) scattered over the heap. And a new id's string is appended where the
 * last one went, not stored at its hash's random slot: a young string hung from a random
 * place in a large old array is a scattered pointer for every young-generation collection. The 128-bit
 * fingerprint is kept as four 32-bit words in typed-array chunks indexed by sequence number.
 * A fingerprint that is not 32 hex digits (an old or hand-made record) is kept as a string
 * beside, exactly as given.
 *
 * A sequence number belongs to one commit: when a commit is undone its number is reused by
 * the next, which overwrites the words.
 */
export class CommitIndex {
  /** Per slot three words: the id's hash, its sequence number + 1 (0: empty), its index in `ids`. */
  private slots = new Uint32Array(INITIAL_CAPACITY * SLOT_WORDS);
  private capacity = INITIAL_CAPACITY;
  /** Id strings in the order they came; an undone id leaves a hole (undefined). */
  private ids: Array<string | undefined> = [];
  private count = 0;
  private readonly chunks: Uint32Array[] = [];
  private readonly otherFingerprints = new Map<string, string>();

  get size(): number {
    return this.count;
  }

  has(id: string): boolean {
    return this.slotOf(id) >= 0;
  }

  /** The sequence number of a known commit id. */
  seqOf(id: string): number | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.slots[slot * SLOT_WORDS + 1]! - 1;
  }

  /**
   * Makes room for this many ids in all, so that a replay of a long journal does not rehash
   * the table over and over as it grows (each growth re-inserts every id so far).
   */
  reserve(ids: number): void {
    while (ids > this.capacity * MAX_LOAD) this.grow();
  }

  /** Whether a known id was committed with this fingerprint (false for an unknown id). */
  sameFingerprint(id: string, fingerprint: string): boolean {
    const seq = this.seqOf(id);
    if (seq === undefined) return false;
    const other = this.otherFingerprints.get(id);
    if (other !== undefined) return other === fingerprint;
    if (!HEX_FINGERPRINT.test(fingerprint)) return false;
    const chunk = this.chunks[Math.floor(seq / CHUNK_SEQS)];
    if (!chunk) return false;
    const at = (seq % CHUNK_SEQS) * WORDS;
    for (let word = 0; word < WORDS; word++) {
      if (chunk[at + word] !== Number.parseInt(fingerprint.slice(word * 8, word * 8 + 8), 16)) return false;
    }
    return true;
  }

  get(id: string): StoredCommit | undefined {
    const seq = this.seqOf(id);
    if (seq === undefined) return undefined;
    return { fingerprint: this.fingerprintAt(id, seq), seq };
  }

  /**
   * Remembers an id (or moves a known one to another sequence number). The fingerprint is 32
   * hex digits or its 16 bytes (as the journal decoder hands it over, without making a
   * string); anything else is kept as given.
   */
  set(id: string, fingerprint: Fingerprint, seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > MAX_SEQ) throw new Error(`commit ${id}: sequence number ${seq} is not a whole number up to ${MAX_SEQ}`);
    if (typeof fingerprint !== 'string' && fingerprint.length !== FINGERPRINT_BYTES) throw new Error(`commit ${id}: a fingerprint is ${FINGERPRINT_BYTES} bytes, not ${fingerprint.length}`);
    const hash = hashId(id);
    let slot = this.find(id, hash);
    if (slot < 0) {
      if (this.count + 1 > this.capacity * MAX_LOAD) this.grow();
      slot = this.freeSlot(hash);
      this.slots[slot * SLOT_WORDS] = hash;
      this.slots[slot * SLOT_WORDS + 2] = this.ids.push(id) - 1;
      this.count++;
    }
    this.slots[slot * SLOT_WORDS + 1] = seq + 1;
    if (typeof fingerprint === 'string' && !HEX_FINGERPRINT.test(fingerprint)) {
      this.otherFingerprints.set(id, fingerprint);
      return;
    }
    if (this.otherFingerprints.size > 0) this.otherFingerprints.delete(id);
    const chunkIndex = Math.floor(seq / CHUNK_SEQS);
    const chunk = (this.chunks[chunkIndex] ??= new Uint32Array(CHUNK_SEQS * WORDS));
    const at = (seq % CHUNK_SEQS) * WORDS;
    if (typeof fingerprint === 'string') {
      for (let word = 0; word < WORDS; word++) chunk[at + word] = Number.parseInt(fingerprint.slice(word * 8, word * 8 + 8), 16);
    } else {
      for (let word = 0, byte = 0; word < WORDS; word++, byte += 4) {
        chunk[at + word] = ((fingerprint[byte]! << 24) | (fingerprint[byte + 1]! << 16) | (fingerprint[byte + 2]! << 8) | fingerprint[byte + 3]!) >>> 0;
      }
    }
  }

  delete(id: string): void {
    let slot = this.slotOf(id);
    if (slot < 0) return;
    this.count--;
    if (this.otherFingerprints.size > 0) this.otherFingerprints.delete(id);
    const entry = this.slots[slot * SLOT_WORDS + 2]!;
    // Undone commits are the newest: their string is usually the last one, so the list shrinks.
    if (entry === this.ids.length - 1) this.ids.pop();
    else this.ids[entry] = undefined;
    // Backward-shift deletion: pull later members of the probe run into the gap, so that
    // lookups never meet tombstones.
    const mask = this.capacity - 1;
    for (;;) {
      this.slots[slot * SLOT_WORDS + 1] = 0;
      let next = (slot + 1) & mask;
      for (;;) {
        if (this.slots[next * SLOT_WORDS + 1] === 0) return;
        const home = this.slots[next * SLOT_WORDS]! & mask;
        // The entry at `next` may fill `slot` unless its home lies cyclically in (slot, next].
        const stays = slot <= next ? home > slot && home <= next : home > slot || home <= next;
        if (!stays) break;
        next = (next + 1) & mask;
      }
      this.slots.copyWithin(slot * SLOT_WORDS, next * SLOT_WORDS, next * SLOT_WORDS + SLOT_WORDS);
      slot = next;
    }
  }

  clear(): void {
    this.slots = new Uint32Array(INITIAL_CAPACITY * SLOT_WORDS);
    this.capacity = INITIAL_CAPACITY;
    this.ids = [];
    this.count = 0;
    this.otherFingerprints.clear();
    this.chunks.length = 0;
  }

  /** Every commit, by sequence number (for the snapshot). */
  entries(): Array<[string, StoredCommit]> {
    const all: Array<[string, StoredCommit]> = [];
    for (let slot = 0; slot < this.capacity; slot++) {
      const seqPlusOne = this.slots[slot * SLOT_WORDS + 1]!;
      if (seqPlusOne === 0) continue;
      const id = this.ids[this.slots[slot * SLOT_WORDS + 2]!]!;
      all.push([id, { fingerprint: this.fingerprintAt(id, seqPlusOne - 1), seq: seqPlusOne - 1 }]);
    }
    return all.sort((a, b) => a[1].seq - b[1].seq);
  }

  private slotOf(id: string): number {
    return this.find(id, hashId(id));
  }

  private find(id: string, hash: number): number {
    const mask = this.capacity - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT_WORDS;
      if (this.slots[at + 1] === 0) return -1;
      if (this.slots[at] === hash && this.ids[this.slots[at + 2]!] === id) return slot;
    }
  }

  private freeSlot(hash: number): number {
    const mask = this.capacity - 1;
    let slot = hash & mask;
    while (this.slots[slot * SLOT_WORDS + 1] !== 0) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const old = this.slots;
    const oldCapacity = this.capacity;
    this.capacity = oldCapacity * 2;
    this.slots = new Uint32Array(this.capacity * SLOT_WORDS);
    for (let slot = 0; slot < oldCapacity; slot++) {
      if (old[slot * SLOT_WORDS + 1] === 0) continue;
      const from = slot * SLOT_WORDS;
      const to = this.freeSlot(old[from]!) * SLOT_WORDS;
      this.slots[to] = old[from]!;
      this.slots[to + 1] = old[from + 1]!;
      this.slots[to + 2] = old[from + 2]!;
    }
  }

  private fingerprintAt(id: string, seq: number): string {
    const other = this.otherFingerprints.get(id);
    if (other !== undefined) return other;
    const chunk = this.chunks[Math.floor(seq / CHUNK_SEQS)]!;
    const at = (seq % CHUNK_SEQS) * WORDS;
    let hex = '';
    for (let word = 0; word < WORDS; word++) hex += chunk[at + word]!.toString(16).padStart(8, '0');
    return hex;
  }
}

/** FNV-1a over the id's UTF-16 code units, then MurmurHash3's finaliser to spread the bits. */
function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
