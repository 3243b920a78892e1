/**
 * Claim, flood control and the event's own rows (a stop's incident history) in as few DynamoDB calls as keep the
 * guarantees of claim (dynamo-dedupe.ts) + hit (dynamo-throttle.ts) + complete:
 *
 *   count    ONE TransactWriteItems: [claim the event as done/counted (condition: never claimed, or lease ended
 *            with no verdict yet); ADD 1 to the window (condition: the window is open, the stop keeps its stop
 *            times true, the task list has room when the task is appended); Put the rows]
 *   open     when the window condition failed and its item (ALL_OLD in CancellationReasons) shows the window
 *            ended or absent: ONE TransactWriteItems [claim the event to send (owner, lease); Put the next
 *            window state, compare-and-swap on `version`/`pending` of the state just seen; Put the digest-due
 *            pointer; Put the rows]. Losing the swap means another copy opened it: back to counting.
 *   classic  when the claim condition failed: done or leased -> duplicate; an earlier attempt's verdict (a
 *            released retry) -> the plain claim, and the caller writes the rows itself.
 *
 * A claim that carries rows also sets `rowsWritten` on the event's item, in the same transaction, so the rows are
 * in the table whenever the flag is. A duplicate copy reads the flag from the ALL_OLD image of its cancelled
 * claim and writes nothing: its only call is that cancelled transaction. Without the flag (the first claim's rows
 * were refused and written on their own, or it had none) the duplicate's caller still writes its rows.
 *
 * A counted stop is 1 call, a stop that opens a window 2 (+ `complete` after delivery = 3), a duplicate copy 1 (2
 * when it found an ended lease and another copy took it over first; + its caller's own row write when the flag is
 * absent). Every attempt carries a ClientRequestToken derived from the key, the attempt's owner and the step, so
 * the SDK's retry of a transaction whose answer was lost is answered as the success it was (a token per attempt:
 * the same token with other parameters would be refused). Limits: 4 + rows items, all on distinct keys (DynamoDB
 * allows 100).
 *
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
 */
import { createHash } from "node:crypto";
import type { CancellationReason } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { expiresAtSeconds, itemNumber, keys, type StateTable, type StoredItem } from "../../table.js";
import {
  countExpressionParts,
  stateFromItem,
  ThrottleContentionError,
  windowItem,
} from "./dynamo-throttle.js";
import { isWindowOpen, MAX_DIGEST_TASKS, openWindow, type WindowState } from "./throttle-window.js";
import {
  type ClaimRequest,
  type DedupeStore,
  type EventRow,
  type FloodClaimResult,
  type FloodClaimStore,
  type ThrottleHit,
  type ThrottleStore,
  throttleKeyOf,
} from "./types.js";

/** Losing this many races in a row means something is wrong, not just busy. */
const MAX_ROUNDS = 8;

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** How a count moves the window's stop times (see dynamo-throttle.ts `count`) and whether it lists the task. */
interface CountMode {
  stopTimes: "latest" | "earliest" | "none";
  listTask: boolean;
}

/** Never claimed, or claimed by an attempt whose lease ended before it decided anything. */
const CLAIMABLE =
  "attribute_not_exists(pk) OR (attribute_not_exists(#done) AND #lease <= :claimNow AND attribute_not_exists(#verdict))";

/**
 * Set on the event's item by a claim whose transaction also put the event's rows; never removed, so a later claim
 * of the same event (a released retry) keeps it true.
 */
const ROWS_WRITTEN = "rowsWritten";

export class TransactionCancelledError extends Error {
  override readonly name = "TransactionCancelledError";
}

/** DynamoDB refused one of the event's rows itself (too large, invalid): the claim is retried without them. */
class RowsRefusedError extends Error {
  override readonly name = "RowsRefusedError";
}

/** Throws RowsRefusedError when a row (from index `firstRow` on) is the reason the transaction was cancelled. */
function checkRows(reasons: CancellationReason[], firstRow: number): void {
  const refused = reasons.slice(firstRow).find((reason) => reason.Code && reason.Code !== "None");
  if (refused) throw new RowsRefusedError(`${refused.Code}: ${refused.Message ?? ""}`);
}

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (!(error instanceof Error) || error.name !== "TransactionCanceledException") return undefined;
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

function oldItem(reason: CancellationReason | undefined): StoredItem | undefined {
  return reason?.Item ? unmarshall(reason.Item) : undefined;
}

const failed = (reason: CancellationReason | undefined) => reason?.Code === "ConditionalCheckFailed";
/** Another transaction touched one of the items at the same moment: try again. */
const conflicted = (reasons: CancellationReason[]) =>
  reasons.some((reason) => reason.Code === "TransactionConflict");

/** The count mode the window just seen (ALL_OLD of a failed count) calls for. */
function modeFor(state: WindowState, hit: ThrottleHit): CountMode {
  const listTask = hit.stop !== undefined && (state.tasks?.length ?? 0) < MAX_DIGEST_TASKS;
  if (!hit.stop) return { stopTimes: "none", listTask };
  const at = hit.stop.at;
  if (state.lastStopAt === undefined || state.lastStopAt <= at) return { stopTimes: "latest", listTask };
  if (state.firstStopAt !== undefined && state.firstStopAt > at) return { stopTimes: "earliest", listTask };
  return { stopTimes: "none", listTask };
}

function requestToken(dedupeKey: string, owner: string, step: string): string {
  return createHash("sha256").update(`${dedupeKey}\n${owner}\n${step}`).digest("hex").slice(0, 36);
}

export function dynamoFloodClaim(
  table: StateTable,
  dedupe: Pick<DedupeStore, "claim">,
  throttle: Pick<ThrottleStore, "hit">,
): FloodClaimStore {
  const { client, tableName } = table;
  /**
   * What this container knows of each window's task list (by throttle key): how many tasks it listed since it
   * opened the window itself, or that it saw the list full. Counts then leave the task out at once instead of
   * failing on the list's condition once. Only a hint: the condition keeps the list bounded either way.
   */
  const taskLists = new Map<string, { windowEnd: number; listed?: number; full?: boolean }>();
  const remember = (throttleKey: string, known: { windowEnd: number; listed?: number; full?: boolean }) => {
    if (taskLists.size > 1000) taskLists.clear();
    taskLists.set(throttleKey, known);
  };
  const listIsFull = (throttleKey: string, now: number) => {
    const known = taskLists.get(throttleKey);
    if (!known || known.windowEnd <= now) return false;
    return known.full === true || (known.listed ?? 0) >= MAX_DIGEST_TASKS;
  };
  const listed = (throttleKey: string) => {
    const known = taskLists.get(throttleKey);
    if (known?.listed !== undefined) known.listed++;
  };

  function claimUpdate(
    dedupeKey: string,
    request: ClaimRequest,
    verdict: "counted" | "send",
    withRows: boolean,
  ): TransactItem {
    const counted = verdict === "counted";
    const rowsFlag = withRows ? ", #rows = :rows" : "";
    return {
      Update: {
        TableName: tableName,
        Key: keys.event(dedupeKey),
        UpdateExpression: counted
          ? `SET #done = :claimNow, #verdict = :verdict, #exp = :exp, #first = if_not_exists(#first, :claimNow)${rowsFlag} ADD #attempts :one`
          : `SET #owner = :owner, #lease = :lease, #verdict = :verdict, #exp = :exp, #first = if_not_exists(#first, :claimNow)${rowsFlag} ADD #attempts :one`,
        ConditionExpression: CLAIMABLE,
        ExpressionAttributeNames: {
          "#done": "doneAt",
          "#lease": "leaseUntil",
          "#verdict": "verdict",
          "#exp": "expiresAt",
          "#first": "firstSeenAt",
          "#attempts": "attempts",
          ...(counted ? {} : { "#owner": "leaseOwner" }),
          ...(withRows ? { "#rows": ROWS_WRITTEN } : {}),
        },
        ExpressionAttributeValues: {
          ":claimNow": request.now,
          ":verdict": verdict,
          ":exp": expiresAtSeconds(request.now, table.retentionMs),
          ":one": 1,
          ...(counted ? {} : { ":owner": request.owner, ":lease": request.now + request.leaseMs }),
          ...(withRows ? { ":rows": true } : {}),
        },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    };
  }

  function countUpdate(throttleKey: string, hit: ThrottleHit, mode: CountMode): TransactItem {
    const { names, values } = countExpressionParts(hit.now, table.retentionMs);
    const sets = ["#lastAt = :now", "#exp = :exp"];
    const conditions = ["#windowEnd > :now"];
    const stop = hit.stop;
    if (stop && mode.stopTimes !== "none") {
      names["#firstStop"] = "firstStopAt";
      values[":at"] = stop.at;
      if (mode.stopTimes === "latest") {
        names["#lastStop"] = "lastStopAt";
        sets.push("#lastStop = :at", "#firstStop = if_not_exists(#firstStop, :at)");
        conditions.push("(attribute_not_exists(#lastStop) OR #lastStop <= :at)");
      } else {
        sets.push("#firstStop = :at");
        conditions.push("#firstStop > :at");
      }
    }
    if (stop && mode.listTask) {
      names["#tasks"] = "tasks";
      Object.assign(values, { ":empty": [], ":task": [stop.taskArn], ":max": MAX_DIGEST_TASKS });
      sets.push("#tasks = list_append(if_not_exists(#tasks, :empty), :task)");
      conditions.push("(attribute_not_exists(#tasks) OR size(#tasks) < :max)");
    }
    return {
      Update: {
        TableName: tableName,
        Key: keys.throttle(throttleKey),
        UpdateExpression: `ADD #pending :one SET ${sets.join(", ")}`,
        ConditionExpression: conditions.join(" AND "),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    };
  }

  /** The next window state, written only if the window is still the one seen (compare-and-swap). */
  function windowSwap(
    throttleKey: string,
    previous: WindowState | undefined,
    next: WindowState,
    now: number,
  ) {
    const Item = windowItem(table, throttleKey, next, now);
    const put: TransactItem = previous
      ? {
          Put: {
            TableName: tableName,
            Item,
            ConditionExpression: "#version = :version AND #pending = :pending",
            ExpressionAttributeNames: { "#version": "version", "#pending": "pending" },
            ExpressionAttributeValues: { ":version": previous.version, ":pending": previous.pending },
          },
        }
      : { Put: { TableName: tableName, Item, ConditionExpression: "attribute_not_exists(pk)" } };
    return put;
  }

  function pointerPut(throttleKey: string, windowEnd: number): TransactItem {
    return {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.digestDue(windowEnd, throttleKey),
          throttleKey,
          windowEnd,
          expiresAt: expiresAtSeconds(windowEnd, table.retentionMs),
        },
      },
    };
  }

  const rowPuts = (rows: readonly EventRow[]): TransactItem[] =>
    rows.map((Item) => ({ Put: { TableName: tableName, Item: { ...Item } } }));

  /** Runs the transaction; the cancellation reasons when it was cancelled. */
  async function transact(items: TransactItem[], token: string): Promise<CancellationReason[] | undefined> {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }));
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      return reasons;
    }
  }

  /**
   * The claim's condition failed: a copy done or in flight, or the retry of an attempt that decided already. A
   * duplicate's rows are written when the item seen (ALL_OLD) says a claim wrote them in its transaction.
   */
  async function claimRefused(
    dedupeKey: string,
    request: ClaimRequest,
    hit: ThrottleHit,
    old: StoredItem | undefined,
  ): Promise<FloodClaimResult | undefined> {
    if (!old) return undefined;
    const rowsWritten = old[ROWS_WRITTEN] === true;
    if (itemNumber(old, "doneAt") !== undefined) return { status: "duplicate", state: "done", rowsWritten };
    if ((itemNumber(old, "leaseUntil") ?? 0) > request.now)
      return { status: "duplicate", state: "in-flight", rowsWritten };
    const claim = await dedupe.claim(dedupeKey, request);
    // Another copy took over the ended lease first; the flag it found is the one seen here (it is never removed).
    if (claim.status === "duplicate") return { ...claim, rowsWritten };
    const decided = claim.verdict
      ? { verdict: claim.verdict }
      : await throttle.hit(hit.subject, hit.now, hit.windowMs, hit.stop);
    return {
      status: "claimed",
      verdict: decided.verdict,
      delivered: claim.delivered,
      attempt: claim.attempt,
      ...("digest" in decided && decided.digest ? { digest: decided.digest } : {}),
      rowsWritten: false,
    };
  }

  return {
    async claimThrottled(dedupeKey, request, hit, rows = []) {
      try {
        return await claimWithRows(dedupeKey, request, hit, rows);
      } catch (error) {
        // Rows DynamoDB refuses (an item too large, a bad attribute) must not cost the alert: the claim goes
        // without them and the caller writes them on its own (and logs why they failed).
        const refused =
          error instanceof RowsRefusedError ||
          (error instanceof Error && error.name === "ValidationException");
        if (rows.length === 0 || !refused) throw error;
        const claim = await claimWithRows(dedupeKey, request, hit, []);
        return claim.status === "duplicate" ? claim : { ...claim, rowsWritten: false };
      }
    },
  };

  async function claimWithRows(
    dedupeKey: string,
    request: ClaimRequest,
    hit: ThrottleHit,
    rows: readonly EventRow[],
  ): Promise<FloodClaimResult> {
    const throttleKey = throttleKeyOf(hit.subject);
    let mode: CountMode = {
      stopTimes: hit.stop ? "latest" : "none",
      listTask: hit.stop !== undefined && !listIsFull(throttleKey, hit.now),
    };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const counting = await transact(
        [
          claimUpdate(dedupeKey, request, "counted", rows.length > 0),
          countUpdate(throttleKey, hit, mode),
          ...rowPuts(rows),
        ],
        requestToken(dedupeKey, request.owner, `count#${round}#${rows.length}`),
      );
      if (!counting) {
        if (mode.listTask) listed(throttleKey);
        return { status: "counted", rowsWritten: true };
      }
      checkRows(counting, 2);
      const [claimReason, windowReason] = counting;
      if (failed(claimReason)) {
        const refused = await claimRefused(dedupeKey, request, hit, oldItem(claimReason));
        if (refused) return refused;
        continue;
      }
      if (!failed(windowReason)) {
        if (conflicted(counting)) continue;
        throw new TransactionCancelledError(
          `counting ${throttleKey} was cancelled: ${counting.map((r) => r.Code).join(", ")}`,
        );
      }
      const seen = stateFromItem(oldItem(windowReason));
      if (seen && isWindowOpen(seen, hit.now)) {
        mode = modeFor(seen, hit);
        if (!mode.listTask && seen.windowEnd !== undefined)
          remember(throttleKey, { windowEnd: seen.windowEnd, full: true });
        continue;
      }
      const { next, digest } = openWindow(seen, hit.subject, hit.now, hit.windowMs);
      const windowEnd = next.windowEnd ?? hit.now + hit.windowMs;
      const opening = await transact(
        [
          claimUpdate(dedupeKey, request, "send", rows.length > 0),
          windowSwap(throttleKey, seen, next, hit.now),
          pointerPut(throttleKey, windowEnd),
          ...rowPuts(rows),
        ],
        requestToken(dedupeKey, request.owner, `open#${round}#${rows.length}`),
      );
      if (!opening) {
        remember(throttleKey, { windowEnd, listed: 0 });
        return {
          status: "claimed",
          verdict: "send",
          delivered: [],
          attempt: 1,
          ...(digest ? { digest } : {}),
          rowsWritten: true,
        };
      }
      checkRows(opening, 3);
      const [openClaimReason] = opening;
      if (failed(openClaimReason)) {
        const refused = await claimRefused(dedupeKey, request, hit, oldItem(openClaimReason));
        if (refused) return refused;
      }
      // Another copy opened (or counted into) the window meanwhile: count into what is there now.
      mode = { stopTimes: hit.stop ? "latest" : "none", listTask: hit.stop !== undefined };
    }
    throw new ThrottleContentionError(throttleKey);
  }
}
