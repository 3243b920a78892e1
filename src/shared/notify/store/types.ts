/**
 * Ports of the state store: de-duplication of events (exactly one message per event) and flood control
 * (one message per window and key, the rest counted into a digest). Implemented on DynamoDB
 * (dynamo-*.ts) and in memory (memory-store.ts, for the CLI and unit tests).
 */

/** What the flood control decided for an event; stored with the claim so a retry does not decide again. */
export type ThrottleVerdict = "send" | "counted";

export interface ClaimRequest {
  /** Unique per attempt; only the owner may release its lease. */
  owner: string;
  now: number;
  /** How long the claim blocks other copies; a crashed attempt becomes retryable after it. */
  leaseMs: number;
}

export type ClaimResult =
  | {
      status: "claimed";
      /** Channels an earlier attempt already delivered to: a retry must not post to them again. */
      delivered: string[];
      verdict?: ThrottleVerdict;
      attempt: number;
    }
  | { status: "duplicate"; state: "done" | "in-flight" };

export interface DedupeStore {
  claim(dedupeKey: string, request: ClaimRequest): Promise<ClaimResult>;
  recordDelivered(dedupeKey: string, channel: string, verdict: ThrottleVerdict, now: number): Promise<void>;
  /** Ends the claim for good; `delivered` lists channels this attempt delivered and has not recorded yet. */
  complete(dedupeKey: string, verdict: ThrottleVerdict, delivered: string[], now: number): Promise<void>;
  /** Ends the lease at once so the retry of a failed attempt is not dropped as a duplicate. */
  release(
    dedupeKey: string,
    owner: string,
    verdict: ThrottleVerdict | undefined,
    now: number,
    /** Channels this attempt delivered before it failed: a retry must not send to them again. */
    delivered?: string[],
  ): Promise<void>;
}

/** What is throttled together: same kind, same category, same caller scope (cluster + service or family). */
export interface ThrottleSubject {
  kind: string;
  category: string;
  /** The caller's throttle key, e.g. `prod#service:api#out-of-memory`; opaque here. */
  scope: string;
  /** For people: `service:api` or `family:nightly`. */
  group: string;
  severity: string;
  service?: string;
  cluster?: string;
  /** Lets a later sweep apply the service's routing tags to the digest. */
  serviceArn?: string;
}

/** Kind and category are always part of the key, so a caller's coarse scope never merges categories. */
export function throttleKeyOf(subject: Pick<ThrottleSubject, "kind" | "category" | "scope">): string {
  return `${subject.kind}#${subject.category}#${subject.scope}`;
}

/** A stopped task counted into a window: which task, and when it stopped (event data, epoch ms). */
export interface StopSample {
  taskArn: string;
  at: number;
}

/** A closed window whose counted messages still have to be summarised in one digest. */
export interface PendingDigest extends ThrottleSubject {
  throttleKey: string;
  count: number;
  /** Epoch ms of the start of the first window folded into this digest. */
  since: number;
  /** Epoch ms of the last counted message. */
  lastAt: number;
  /**
   * Earliest and latest stop time (epoch ms, from the events) of the counted stops; absent when the counted
   * messages were not stops. The message sent on its own when the window opened is not among them.
   */
  firstStopAt?: number;
  lastStopAt?: number;
  /** Up to MAX_DIGEST_TASKS task ARNs of the counted stops; `count` says how many there are in all. */
  tasks?: string[];
  /** Stable across retries and concurrent senders of the same digest. */
  dedupeKey: string;
}

export type HitResult = { verdict: "counted" } | { verdict: "send"; digest?: PendingDigest };

/** A window whose end has passed and may hold a count nobody has reported yet. */
export interface DuePointer {
  throttleKey: string;
  windowEnd: number;
  /** Opaque sort key of the pointer item. */
  ref: string;
}

export interface ThrottleStore {
  /**
   * Counts the message if its key has an open window, else opens one (returning any pending digest).
   * `now` is the time the window logic runs on; `stop` is the stopped task the message is about, if any.
   */
  hit(subject: ThrottleSubject, now: number, windowMs: number, stop?: StopSample): Promise<HitResult>;
  /** Marks a digest as delivered; its count will not be reported again. */
  settleDigest(digest: PendingDigest): Promise<void>;
  /** Pointers of windows that ended at or before `now`. */
  duePointers(now: number): Promise<DuePointer[]>;
  /**
   * Closes the pointed window if it is still open and returns its digest if one is pending.
   * `keep` says the pointer must stay (window not closed yet by this clock).
   */
  closeDue(pointer: DuePointer, now: number): Promise<{ digest?: PendingDigest; keep: boolean }>;
  dropPointer(pointer: DuePointer): Promise<void>;
}

/** What flood control is asked about one event: its subject, the time its window logic runs on, its stop. */
export interface ThrottleHit {
  subject: ThrottleSubject;
  now: number;
  windowMs: number;
  stop?: StopSample;
}

/** A state-table item (`pk`, `sk` and attributes) written together with an event's claim. */
export type EventRow = Record<string, unknown>;

/**
 * Items that belong to an event (a stop's incident history rows), handed to the store so they are written in the
 * same transaction as the event's claim. The store sets `written` when they are in the table: it wrote them, or
 * (a duplicate copy) the claim that first took the event wrote them in its transaction. When they are not (a
 * retry, a message no channel takes, a duplicate of a claim whose rows were refused) the caller writes them.
 */
export interface EventRows {
  readonly items: readonly EventRow[];
  written: boolean;
}

export type FloodClaimResult =
  /**
   * A copy of an event already done or in flight: nothing was written. `rowsWritten`: an earlier claim of the
   * event wrote its rows in the same transaction, so the copy has none to write.
   */
  | { status: "duplicate"; state: "done" | "in-flight"; rowsWritten: boolean }
  /** Claimed, counted into the open window and completed, with the rows (unless DynamoDB refused them), in one write. */
  | { status: "counted"; rowsWritten: boolean }
  /**
   * Claimed to be sent: this event opened its window (`digest`: the ended window's, to send first), or a retry
   * found the verdict of an earlier attempt (then `rowsWritten` is false).
   */
  | {
      status: "claimed";
      verdict: ThrottleVerdict;
      delivered: string[];
      attempt: number;
      digest?: PendingDigest;
      rowsWritten: boolean;
    };

/**
 * Claim and flood control of an event with a throttle key, folded into as few writes as keep the guarantees of
 * `claim` + `hit` + `complete`: a counted event is one write; one that opens a window two (and `complete`).
 */
export interface FloodClaimStore {
  claimThrottled(
    dedupeKey: string,
    request: ClaimRequest,
    hit: ThrottleHit,
    rows?: readonly EventRow[],
  ): Promise<FloodClaimResult>;
}

export type NotificationStore = DedupeStore & ThrottleStore & FloodClaimStore;
