/**
 * What is remembered of every commit, so that a repeated id is recognised: its sequence number
 * and the fingerprint of its operations (see `fingerprintOf`). The results themselves are in
 * the journal record (and, for recent commits, in memory too: see Ledger).
 */
export interface StoredCommit {
  fingerprint: string;
  seq: number;
}

/** Fingerprints are kept in chunks of this many sequence numbers (4 words each: 1 MiB). */
const CHUNK_SEQS = 65_536;
const WORDS = 4;
const HEX_FINGERPRINT = /^[0-9a-f]{32}$/;

/**
 * Every commit id ever seen, kept forever, compactly: a million of these live in memory. Each
 * id maps to its sequence number (a small integer held inside the Map, no object per entry);
 * the 128-bit fingerprint is kept as four 32-bit words in typed-array chunks indexed by
 * sequence number, which the garbage collector never has to walk. A fingerprint that is not
 * 32 hex digits (an old or hand-made record) is kept as a string beside, exactly as given.
 *
 * A sequence number belongs to one commit: when a commit is undone its number is reused by
 * the next, which overwrites the words.
 */
export class CommitIndex {
  private readonly seqById = new Map<string, number>();
  private readonly chunks: Uint32Array[] = [];
  private readonly otherFingerprints = new Map<string, string>();

  get size(): number {
    return this.seqById.size;
  }

  has(id: string): boolean {
    return this.seqById.has(id);
  }

  /** The sequence number of a known commit id. */
  seqOf(id: string): number | undefined {
    return this.seqById.get(id);
  }

  /** Whether a known id was committed with this fingerprint (false for an unknown id). */
  sameFingerprint(id: string, fingerprint: string): boolean {
    const seq = this.seqById.get(id);
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
    const seq = this.seqById.get(id);
    if (seq === undefined) return undefined;
    return { fingerprint: this.fingerprintAt(id, seq), seq };
  }

  set(id: string, fingerprint: string, seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new Error(`commit ${id}: sequence number ${seq} is not a whole number`);
    this.seqById.set(id, seq);
    if (!HEX_FINGERPRINT.test(fingerprint)) {
      this.otherFingerprints.set(id, fingerprint);
      return;
    }
    if (this.otherFingerprints.size > 0) this.otherFingerprints.delete(id);
    const chunkIndex = Math.floor(seq / CHUNK_SEQS);
    const chunk = (this.chunks[chunkIndex] ??= new Uint32Array(CHUNK_SEQS * WORDS));
    const at = (seq % CHUNK_SEQS) * WORDS;
    for (let word = 0; word < WORDS; word++) chunk[at + word] = Number.parseInt(fingerprint.slice(word * 8, word * 8 + 8), 16);
  }

  delete(id: string): void {
    this.seqById.delete(id);
    if (this.otherFingerprints.size > 0) this.otherFingerprints.delete(id);
  }

  clear(): void {
    this.seqById.clear();
    this.otherFingerprints.clear();
    this.chunks.length = 0;
  }

  /** Every commit, in the order first seen (for the snapshot). */
  *entries(): IterableIterator<[string, StoredCommit]> {
    for (const [id, seq] of this.seqById) yield [id, { fingerprint: this.fingerprintAt(id, seq), seq }];
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
