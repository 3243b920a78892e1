/**
 * Slack app mode: one conversation (a parent "card" and its replies) per deployment and per incident.
 *
 * A flow says which conversation a message belongs to (`ThreadMeta`, on the message's NotifyMeta); the Slack app
 * channel resolves it against the thread store (the parent's `ts` per Slack channel and thread key, never read
 * back from Slack), posts the parent the first time, edits the card on every later event (`CardPatch`, ordered by
 * event time so a late event never moves a card backwards) and replies in the thread where the event adds detail.
 * Webhook mode and email ignore threads.
 */
import type { Severity } from "../../diagnosis/types.js";
import type { Fact, Message, MessageAction } from "../message.js";

/** What one event changes on its thread's parent card; every field is dated by the event (`at`). */
export interface CardPatch {
  /** Epoch ms of the event. A field is replaced only by a patch at least as recent as the one that set it. */
  at: number;
  /** The card's state line, e.g. "In progress", "Failed", "Rolled back". */
  state?: CardStateLine & {
    /**
     * Replaces the line when the card's current phase is the key: the completion of a rollback deployment
     * reads "Rolled back" on a card that was "rolling-back", "Completed" otherwise.
     */
    whenPhase?: Record<string, CardStateLine>;
  };
  /** Headline of the card. */
  title?: string;
  /** Facts set by label: replaced in place when the card has the label, appended otherwise. */
  facts?: Fact[];
  /**
   * Counters added to (e.g. `{ "Failed tasks": 1 }`), shown as facts. Applied once per event: the message's
   * dedupe claim guards the call, so a duplicate delivery never counts twice.
   */
  add?: Record<string, number>;
  /** Replaces the card's buttons (e.g. none once acted on, or Unmute once muted). */
  actions?: MessageAction[];
}

export interface CardStateLine {
  text: string;
  severity: Severity;
  /** Machine-readable phase, e.g. `in-progress`, `failed`, `rolling-back`, `rolled-back`, `completed`. */
  phase?: string;
  /** The story is over (completed, rolled back): shown as such. */
  final?: boolean;
}

/** Which conversation a message belongs to, and how it shows there. */
export interface ThreadMeta {
  /** e.g. `deployment#<serviceArn>#<deploymentId>` or `incident#<cluster>#service:api#out-of-memory`. */
  key: string;
  /** Join `key` only when it already has a parent; otherwise use `fallback` (or post on its own). */
  joinOnly?: boolean;
  fallback?: ThreadMeta;
  /**
   * An incident goes quiet: an event more than `idleMs` after the thread's last event opens a new thread
   * under the same key (the old one keeps its messages). Absent: the thread never goes stale.
   */
  idleMs?: number;
  /** An incident thread: goes quiet after the flood window (sets `idleMs` from the notifier's window). */
  incident?: boolean;
  /** The card that opens the thread when it does not exist yet. Default: the message itself is the parent. */
  opening?: Message;
  /**
   * Whether the message is also posted as a reply: always when the thread exists (unless false), and after
   * `opening` when it opened the thread. A message that itself became the parent is never repeated.
   */
  reply?: boolean;
  /** Replies with a detail key already in the thread are not posted again; at most MAX_DETAIL_REPLIES. */
  detailKey?: string;
  patch?: CardPatch;
  /** Edit the parent even when the patch changes nothing (a digest shows the counts touches may have skipped). */
  refresh?: boolean;
  /** Other keys that lead to this thread from now on (a rollback deployment continues its failed deployment). */
  aliases?: string[];
}

/** The parent card as stored: the opening message plus every patch applied to it. */
export interface CardState {
  base: Message;
  title?: { text: string; at: number };
  state?: CardStateLine & { at: number };
  /** Fact overrides by label, in the order labels were first set. */
  facts: Array<{ label: string; value: string; at: number }>;
  counters: Record<string, number>;
  /** Buttons set by a patch, replacing the opening message's. */
  actions?: { list: MessageAction[]; at: number };
}

/** One thread in one Slack channel. */
export interface ThreadRecord {
  /** The key the record is stored under (an alias resolves to it). */
  key: string;
  channel: string;
  /** The parent's ts; absent while the opening post is in flight. */
  ts?: string;
  /** While the parent is being posted (no ts): when the poster's claim lapses (epoch ms). */
  leaseUntil?: number;
  card: CardState;
  /** Incremented on every save: the optimistic-concurrency token. */
  version: number;
  /** Detail keys replied in this thread (the opening message's included). */
  details: string[];
  /** Epoch ms of the latest event applied (event time, not processing time). */
  lastSeenAt: number;
  /** Epoch ms when the record was created. */
  createdAt: number;
}

export type OpenResult =
  /** This caller must post the parent, then call `posted` (or `abandon` on failure). */
  | { status: "claimed"; record: ThreadRecord }
  /** The parent exists: edit and reply. */
  | { status: "exists"; record: ThreadRecord }
  /** Another caller is posting the parent right now: try again shortly. */
  | { status: "busy" };

export interface OpenRequest {
  channel: string;
  key: string;
  card: CardState;
  details: string[];
  /** Event time of the opening event. */
  at: number;
  /** Processing time (lease clock). */
  now: number;
  owner: string;
  leaseMs: number;
  /** A record whose lastSeenAt is older than this (epoch ms) is replaced: the incident went quiet. */
  staleBefore?: number;
}

/** The thread store port (state table; memory twin for the CLI and unit tests). */
export interface ThreadStore {
  /** The thread of `key` in `channel`, following an alias of `key` if there is one; undefined when none. */
  find(channel: string, key: string): Promise<ThreadRecord | undefined>;
  /** Claims the right to post a parent for `key`, unless a live parent exists (or is being posted). */
  open(request: OpenRequest): Promise<OpenResult>;
  /** Records the parent's ts after posting it (only the claim's owner). */
  posted(channel: string, key: string, owner: string, ts: string): Promise<void>;
  /** Gives up a claim whose post failed, so the next attempt may post. */
  abandon(channel: string, key: string, owner: string): Promise<void>;
  /**
   * Saves `record` if nobody saved since `expectedVersion` was read (returns false otherwise: re-read, re-apply).
   * The saved version is `expectedVersion + 1`.
   */
  save(record: ThreadRecord, expectedVersion: number): Promise<boolean>;
  /** From now on `from` leads to the thread stored under `to` (in every channel). */
  alias(from: string, to: string, now: number): Promise<void>;
}

/** Replies with distinct detail keys allowed per thread; later new details only edit the card. */
export const MAX_DETAIL_REPLIES = 5;
