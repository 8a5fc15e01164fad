/**
 * The backend-neutral pool interface. The local file backend implements it today; the
 * remote HTTP and NATS JetStream backends implement the same contract, so callers never
 * care where a pool lives.
 */
import type { Durability } from "../core/append.js";
import type { Message } from "../core/message.js";
import type { GapPolicy } from "../core/read.js";
import type { SalvageStep } from "../core/salvage-scan.js";
import type { ValidationIssue, ValidationReport } from "../core/validate.js";
import type { PoolInfo } from "./wire/pool-info.js";

export type { Durability, GapPolicy, Message, PoolInfo, SalvageStep, ValidationIssue, ValidationReport };
export type { FilePoolInfo, PoolFileLayout, PoolInfoCommon } from "./wire/pool-info.js";
/** Checks a durability from outside (an HTTP body, a flag): absent is fast, else Usage. */
export { durabilityOf } from "../core/append.js";

/** How to reach remote pools (http(s):// refs, later nats://). */
export interface RemoteOptions {
  /** Bearer token sent to a Cairn server. */
  token?: string;
  /** PEM text of a CA certificate to trust for https. */
  tlsCa?: string;
  /** Accept any server certificate (testing only). */
  tlsSkipVerify?: boolean;
}

/** What one append and one appendBatch may carry into a pool (see BatchPlanner). */
export interface PoolLimits {
  /** Largest encoded payload of one message, in bytes. */
  payloadBytesMax: number;
  /** Most messages one appendBatch should carry. */
  batchItemsMax: number;
  /** Most estimated bytes one appendBatch should carry (messageBytes of each item, summed). */
  batchBytesMax: number;
  /** Bytes a message takes beyond the JSON text of its data and tags (frame and codec). */
  messageOverheadBytes: number;
}

export interface AppendOptions {
  tags?: readonly string[];
  /** `fast` (default): survives a process crash. `flush`: fdatasync before returning. */
  durability?: Durability;
}

export interface BatchItem {
  data: unknown;
  tags?: readonly string[];
  /**
   * The exact JSON text of `data`, when the caller already has it (a line read from a
   * file, say): it is stored as given instead of being serialised again. It must be the
   * serialisation of `data`.
   */
  dataJson?: string;
}

/** Where a reader starts. */
export type StartAt =
  | "live" //     only messages appended from now on
  | "oldest" //   every retained message
  | { seq: number } //      from this seq (older ones that left the pool count as a gap)
  | { timeNs: bigint } //   the first message at or after this time
  | { last: number }; //    the newest N retained messages

/** Messages that left the ring before a reader got to them. */
export interface Gap {
  fromSeq: number;
  toSeq: number;
  count: number;
}

export interface ReadOptions {
  /** Default: "live" for follow, "oldest" for read. */
  from?: StartAt;
  /** Only messages carrying every one of these tags. Gaps are reported regardless. */
  tags?: readonly string[];
  /** `continue` (default) reports gaps through onGap; `error` throws RetentionGap. */
  gap?: GapPolicy;
  onGap?: (gap: Gap) => void;
  /** Stop after this many messages. */
  limit?: number;
  signal?: AbortSignal;
}

/** Connection changes of a follow on a remote pool (local follows never report any). */
export type FollowStatus = { kind: "disconnected"; message: string; retryInMs: number } | { kind: "reconnected" };

export interface FollowOptions extends ReadOptions {
  /** Remote pools: called when the connection drops (the follow retries) and when it is back. */
  onStatus?: (status: FollowStatus) => void;
  /** Upper bound on how long a new message can go unnoticed when notify fails; <= 250. */
  pollIntervalMs?: number;
  /** End the follow when no message arrives for this long (`follower.timedOut` tells). */
  idleTimeoutMs?: number;
}

/** A running follow: iterate it for messages; `close()` ends it from outside. */
export interface Follower extends AsyncIterable<Message> {
  /** True when the follow ended because of idleTimeoutMs. */
  readonly timedOut: boolean;
  /** The seq the next message will have. */
  readonly position: number;
  close(): void;
}

export interface Pool {
  /** How the pool was addressed: a name, a path or a URL. */
  readonly ref: string;
  readonly name: string;
  append(data: unknown, options?: AppendOptions): Promise<Message>;
  /** Appends all items atomically with respect to other writers; seqs are consecutive. */
  appendBatch(items: readonly BatchItem[], options?: Pick<AppendOptions, "durability">): Promise<Message[]>;
  /** NotFound when the seq is not retained. */
  get(seq: number): Promise<Message>;
  /** Retained messages from `from` (default oldest) to the current end; then stops. */
  read(options?: ReadOptions): AsyncIterable<Message>;
  /** Messages as they are appended (default from the live edge); runs until closed. */
  follow(options?: FollowOptions): Follower;
  info(): Promise<PoolInfo>;
  /** What one append and one batch may carry; batch through BatchPlanner rather than by hand. */
  limits(): Promise<PoolLimits>;
  /**
   * True once the pool behind this handle is no longer the one its ref names (a pool file
   * deleted or replaced since it was opened); a caller that shares handles reopens then.
   */
  isStale(): Promise<boolean>;
  validate(): Promise<ValidationReport>;
  /** Drops every message with seq < beforeSeq; returns how many were dropped. */
  truncate(beforeSeq: number): Promise<number>;
  /**
   * Replaces the pool by a rebuilt one, atomically for readers and writers: the messages
   * `keep` accepts (newest `keepNewestMax` of them), in order with their data and tags, in
   * a pool of `size`. Seqs restart at 1 and times are the rewrite's. Writers through this
   * api in any process carry on in the new pool; followers of the old one end with
   * NotFound. Pools that cannot be rebuilt in place (remote ones) refuse with Usage.
   */
  rewrite(options?: RewriteOptions): Promise<RewriteResult>;
  /**
   * Reads every message that still checks out, past damaged frames, and the seq ranges
   * that do not (see Client.salvage). Only read, never written. Absent on pools whose file
   * is not at hand (remote ones): Client.salvage refuses those with Usage.
   */
  salvage?(): Promise<SalvageReading>;
  close(): Promise<void>;
}

/** A salvage in progress: the source's geometry, then its steps in seq order. */
export interface SalvageReading {
  fileSizeBytes: number;
  indexCapacity: number;
  steps: AsyncIterable<SalvageStep>;
}

export interface SalvageOptions {
  /** Size of the new pool: bytes, or `64K`, `1M`…; default: the source's file size. */
  size?: string | number;
}

export interface SalvageResult {
  /** Messages copied into the new pool (its seqs 1..copied). */
  copied: number;
  /** Source seqs that were in the pool but could not be read, in order. */
  lostRanges: { fromSeq: number; toSeq: number }[];
  /** The new pool: its path, or its URL when it is remote. */
  dst: string;
}

export interface RewriteOptions {
  /** Bytes, or a size such as `64K`, `1M`; default: the pool's current size. */
  size?: string | number;
  /** Which retained messages the rebuilt pool keeps; default: all. */
  keep?: (message: Message) => boolean;
  /** Of the kept messages, only the newest this many; default: all. */
  keepNewestMax?: number;
}

export interface RewriteResult {
  /** Messages in the rebuilt pool. */
  kept: number;
  /** Retained messages of the old pool that the rebuilt one does not hold. */
  dropped: number;
}

export interface CreateOptions {
  /** Bytes, or a size such as `64K`, `1M`, `1G`. Default 1M. */
  size?: string | number;
  /** Seq index slots; default min(size/256, 65536); 0 disables the index. */
  indexCapacity?: number;
}

export interface PoolListing {
  name: string;
  /** The pool file, when the pool is one. */
  path?: string;
  info?: PoolInfo;
  error?: { kind: string; message: string };
}
