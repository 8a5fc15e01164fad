/**
 * A pool file on disk: create, open (with every header check), and positioned I/O on the
 * header, the seq index and the ring. Knows the layout; knows nothing about messages.
 *
 * Invariant: `geometry` never changes after open. Ring state is re-read from the file
 * whenever it matters (`readState`), because other processes write it.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { type PayloadCodec, codecForVersion } from "./codec.js";
import { CairnError, ErrorKind, toCairnError } from "./errors.js";
import {
  DYNAMIC_BYTES,
  DYNAMIC_OFFSET,
  type PoolGeometry,
  type RingState,
  decodeHeader,
  decodeHeaderPrefix,
  decodeRingState,
  encodeHeader,
  encodeRingState,
  ringStateProblem,
} from "./header.js";
import { jsonCodec } from "./json-codec.js";
import { readU64, writeU64 } from "./u64.js";
import {
  HEADER_BYTES,
  HEADER_USED_BYTES,
  INDEX_OFFSET,
  INDEX_SLOT_BYTES,
  PLASMITE_EXTENSION,
  PLASMITE_FORMAT_VERSION,
  ringOffsetFor,
} from "./layout.js";
import { checkPoolSize } from "./pool-size.js";

export interface CreatePoolFileOptions {
  sizeBytes: number;
  /** Seq index slots; default min(size/256, 65536). 0 disables the index. */
  indexCapacity?: number;
  codec?: PayloadCodec;
}

export class PoolFile {
  readonly path: string;
  readonly fd: number;
  readonly geometry: PoolGeometry;
  readonly codec: PayloadCodec;
  readonly writable: boolean;
  private closed = false;
  private readonly stateBuf = Buffer.alloc(DYNAMIC_BYTES);
  private readonly slotBuf = Buffer.alloc(INDEX_SLOT_BYTES);

  private constructor(path: string, fd: number, geometry: PoolGeometry, codec: PayloadCodec, writable: boolean) {
    this.path = path;
    this.fd = fd;
    this.geometry = geometry;
    this.codec = codec;
    this.writable = writable;
  }

  /**
   * Creates a sparse pool file. The file is built under a temporary name and linked into
   * place, so the create is exclusive and no reader ever sees a half-written header.
   */
  static create(path: string, options: CreatePoolFileOptions): PoolFile {
    const sizeBytes = options.sizeBytes;
    const indexCapacity = checkPoolSize(sizeBytes, options.indexCapacity);
    const ringOffset = ringOffsetFor(indexCapacity);
    const ringSize = sizeBytes - ringOffset;
    const codec = options.codec ?? jsonCodec;
    if (nodePath.extname(path) === PLASMITE_EXTENSION && codec.formatVersion !== PLASMITE_FORMAT_VERSION) {
      // The extension claims Plasmite's format; a JSON pool there would be refused by Plasmite.
      throw new CairnError(
        ErrorKind.Usage,
        `a pool file named ${nodePath.basename(path)} would claim the Plasmite format, but Cairn writes JSON pools`,
        { path, hint: `name it without ${PLASMITE_EXTENSION} (Cairn adds .cairn)` },
      );
    }
    const geometry: PoolGeometry = {
      formatVersion: codec.formatVersion,
      fileSize: sizeBytes,
      indexCapacity,
      ringOffset,
      ringSize,
    };
    const dir = nodePath.dirname(path);
    const tmp = nodePath.join(dir, `.${nodePath.basename(path)}.${process.pid}.${Date.now()}.creating`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      const fd = fs.openSync(tmp, "wx", 0o644);
      try {
        const header = encodeHeader({
          ...geometry,
          headOff: 0,
          tailOff: 0,
          tailNextOff: 0,
          oldestSeq: 0,
          newestSeq: 0,
        });
        fs.writeSync(fd, header, 0, header.length, 0);
        fs.ftruncateSync(fd, sizeBytes);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.linkSync(tmp, path);
    } catch (err) {
      const e = toCairnError(err, { path, what: "cannot create pool" });
      if (e.kind === ErrorKind.AlreadyExists) {
        throw new CairnError(ErrorKind.AlreadyExists, "pool already exists", { path, cause: err });
      }
      throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return PoolFile.open(path);
  }

  static open(path: string): PoolFile {
    let fd: number;
    let writable = true;
    try {
      fd = fs.openSync(path, "r+");
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== "EACCES" && code !== "EPERM" && code !== "EROFS") {
        const e = toCairnError(err, { path, what: "cannot open pool" });
        if (e.kind === ErrorKind.NotFound)
          throw new CairnError(ErrorKind.NotFound, "pool not found", { path, cause: err });
        throw e;
      }
      try {
        fd = fs.openSync(path, "r");
        writable = false;
      } catch (err2) {
        throw toCairnError(err2, { path, what: "cannot open pool" });
      }
    }
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) throw new CairnError(ErrorKind.Usage, "not a pool file (not a regular file)", { path });
      const buf = Buffer.alloc(HEADER_USED_BYTES);
      const n = fs.readSync(fd, buf, 0, HEADER_USED_BYTES, 0);
      if (n < HEADER_USED_BYTES) {
        // Not a pool at all (bad magic) or an unknown version is said first: only a file that
        // starts like a pool is called truncated, and only such a file `pool delete` removes.
        codecForVersion(decodeHeaderPrefix(buf.subarray(0, n), path).formatVersion);
        throw new CairnError(ErrorKind.Corrupt, `pool file is too short (${stat.size} bytes)`, {
          path,
          hint: "the file was truncated; restore it from a backup or delete it",
        });
      }
      const { formatVersion } = decodeHeaderPrefix(buf, path);
      const codec = codecForVersion(formatVersion);
      const header = decodeHeader(buf, path, stat.size);
      if (header.ringOffset < HEADER_BYTES)
        throw new CairnError(ErrorKind.Corrupt, "ring overlaps the header", { path });
      const { headOff: _h, tailOff: _t, tailNextOff: _n, oldestSeq: _o, newestSeq: _s, ...geometry } = header;
      return new PoolFile(path, fd, geometry, codec, writable);
    } catch (err) {
      fs.closeSync(fd);
      const e = toCairnError(err, { path });
      if (e.path === undefined)
        throw new CairnError(e.kind, e.message, { path, cause: err, ...(e.hint ? { hint: e.hint } : {}) });
      throw e;
    }
  }

  /** Reads the dynamic header fields. A torn or impossible state is re-read, then Corrupt. */
  readState(): RingState {
    this.ensureOpen();
    for (let attempt = 0; ; attempt++) {
      if (fs.readSync(this.fd, this.stateBuf, 0, DYNAMIC_BYTES, DYNAMIC_OFFSET) !== DYNAMIC_BYTES) {
        throw new CairnError(ErrorKind.Corrupt, "pool file was truncated while open", { path: this.path });
      }
      const state = decodeRingState(this.stateBuf);
      const problem = ringStateProblem(state, this.geometry.ringSize);
      if (!problem) return state;
      if (attempt >= 3) {
        throw new CairnError(ErrorKind.Corrupt, `pool header is corrupt: ${problem}`, {
          path: this.path,
          offset: DYNAMIC_OFFSET,
          hint: "run `cairn doctor` on the pool",
        });
      }
    }
  }

  writeState(state: RingState): void {
    this.pwrite(encodeRingState(state), DYNAMIC_OFFSET);
  }

  /** Reads `length` ring bytes at ring offset `off` (never past the ring end). */
  readRing(off: number, length: number, into?: Buffer): Buffer {
    this.ensureOpen();
    const len = Math.max(0, Math.min(length, this.geometry.ringSize - off));
    const buf = into && into.length >= len ? into.subarray(0, len) : Buffer.allocUnsafe(len);
    const n = fs.readSync(this.fd, buf, 0, len, this.geometry.ringOffset + off);
    return n === len ? buf : buf.subarray(0, n);
  }

  writeRing(off: number, bytes: Buffer): void {
    this.pwrite(bytes, this.geometry.ringOffset + off);
  }

  readIndexSlot(seq: number): { seq: number; ringOff: number } | null {
    if (this.geometry.indexCapacity === 0) return null;
    this.ensureOpen();
    const buf = this.slotBuf;
    if (fs.readSync(this.fd, buf, 0, INDEX_SLOT_BYTES, this.indexSlotOffset(seq)) !== INDEX_SLOT_BYTES) return null;
    const ringOff = readU64(buf, 8);
    if (readU64(buf, 0) !== seq || ringOff >= this.geometry.ringSize) return null;
    return { seq, ringOff };
  }

  writeIndexSlot(seq: number, ringOff: number): void {
    if (this.geometry.indexCapacity === 0) return;
    const buf = Buffer.alloc(INDEX_SLOT_BYTES);
    writeU64(buf, seq, 0);
    writeU64(buf, ringOff, 8);
    this.pwrite(buf, this.indexSlotOffset(seq));
  }

  /** Writes consecutive slots starting at `firstSeq`; the run must not wrap past the last slot. */
  writeIndexRun(firstSeq: number, slots: Buffer): void {
    if (this.geometry.indexCapacity === 0) return;
    this.pwrite(slots, this.indexSlotOffset(firstSeq));
  }

  /**
   * Reads the slots of consecutive seqs from `firstSeq`, as many as fit in `into` without
   * wrapping past the last slot; returns the bytes read (whole slots only).
   */
  readIndexRun(firstSeq: number, into: Buffer): Buffer {
    if (this.geometry.indexCapacity === 0) return into.subarray(0, 0);
    this.ensureOpen();
    const slotsLeft = this.geometry.indexCapacity - (firstSeq % this.geometry.indexCapacity);
    const wanted = Math.min(Math.floor(into.length / INDEX_SLOT_BYTES), slotsLeft) * INDEX_SLOT_BYTES;
    const got = fs.readSync(this.fd, into, 0, wanted, this.indexSlotOffset(firstSeq));
    return into.subarray(0, got - (got % INDEX_SLOT_BYTES));
  }

  indexSlotOffset(seq: number): number {
    return INDEX_OFFSET + (seq % this.geometry.indexCapacity) * INDEX_SLOT_BYTES;
  }

  /** True when the file was deleted (or replaced by a rename) since it was opened. */
  isUnlinked(): boolean {
    this.ensureOpen();
    return fs.fstatSync(this.fd).nlink === 0;
  }

  /** True when the path no longer names the file this handle opened (deleted or replaced). */
  isReplaced(): boolean {
    this.ensureOpen();
    let now: fs.Stats | undefined;
    try {
      now = fs.statSync(this.path, { throwIfNoEntry: false });
    } catch {
      return true; // the path cannot be looked at any more: this handle is not its pool
    }
    if (!now) return true;
    const own = fs.fstatSync(this.fd);
    return now.ino !== own.ino || now.dev !== own.dev;
  }

  sync(): void {
    fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private pwrite(bytes: Buffer, position: number): void {
    this.ensureOpen();
    if (!this.writable)
      throw new CairnError(ErrorKind.Permission, "pool is read-only for this process", { path: this.path });
    let done = 0;
    while (done < bytes.length) {
      done += fs.writeSync(this.fd, bytes, done, bytes.length - done, position + done);
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new CairnError(ErrorKind.Usage, "pool is closed", { path: this.path });
  }
}
