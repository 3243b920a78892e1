/**
 * Flood control on DynamoDB (transitions in throttle-window.ts).
 *
 * Items: `throttle#<kind#category#scope>` / `window` holds the window state; the hot path is a single
 * conditional `ADD pending :1` while the window is open. A notification's own path does it in the same
 * transaction as its claim (dynamo-flood-claim.ts); `hit` here is the window alone (a retry's fallback, tests). Every other transition is a compare-and-swap
 * PutItem on `version` (and `pending`, in case a skewed clock still counted into an ended window).
 * When a window opens, a pointer `digest-due` / `<windowEndIso>#<key>` is written so the sweep can Query
 * the windows that have ended (`sk <= now`) without a Scan; the sweep deletes pointers it has handled.
 *
 * A counted stop also moves the window's stop times (`firstStopAt`/`lastStopAt`, conditional writes, so
 * concurrent counts keep the true earliest and latest) and, for the first few, appends its task ARN to
 * `tasks`. In a flood that arrives in order the count is still one UpdateItem; a stop older than the
 * latest costs one or two more, and each of the first MAX_DIGEST_TASKS stops of a window one more.
 */
import { randomUUID } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  conditionFailedItem,
  DIGEST_DUE_PK,
  expiresAtSeconds,
  isConditionalCheckFailed,
  itemNumber,
  itemString,
  itemStringList,
  keys,
  type StateTable,
  type StoredItem,
  withoutUndefined,
} from "../../table.js";
import { closeWindow, digestOf, MAX_DIGEST_TASKS, openWindow, type WindowState } from "./throttle-window.js";
import {
  type DuePointer,
  type HitResult,
  type PendingDigest,
  type StopSample,
  type ThrottleStore,
  type ThrottleSubject,
  throttleKeyOf,
} from "./types.js";

/** Losing this many compare-and-swap races in a row means something is wrong, not just busy. */
const MAX_CAS_ROUNDS = 8;

export class ThrottleContentionError extends Error {
  override readonly name = "ThrottleContentionError";
  constructor(readonly throttleKey: string) {
    super(`gave up after ${MAX_CAS_ROUNDS} conflicting updates of throttle key ${throttleKey}`);
  }
}

/** The window state of a stored `throttle#` item (undefined: no item). */
/** The names and values every count of a flood window uses (its own UpdateItem, or an item of a transaction). */
export function countExpressionParts(now: number, retentionMs: number | undefined) {
  const names: Record<string, string> = {
    "#pending": "pending",
    "#lastAt": "lastAt",
    "#exp": "expiresAt",
    "#windowEnd": "windowEnd",
  };
  const values: StoredItem = { ":one": 1, ":now": now, ":exp": expiresAtSeconds(now, retentionMs) };
  return { names, values };
}

export function stateFromItem(item: StoredItem | undefined): WindowState | undefined {
  if (!item) return undefined;
  const subject: ThrottleSubject = {
    kind: itemString(item, "kind") ?? "",
    category: itemString(item, "category") ?? "",
    scope: itemString(item, "scope") ?? "",
    group: itemString(item, "group") ?? "",
    severity: itemString(item, "severity") ?? "warning",
    service: itemString(item, "service"),
    cluster: itemString(item, "cluster"),
    serviceArn: itemString(item, "serviceArn"),
  };
  return {
    version: itemNumber(item, "version") ?? 0,
    subject,
    windowStart: itemNumber(item, "windowStart"),
    windowEnd: itemNumber(item, "windowEnd"),
    pending: itemNumber(item, "pending") ?? 0,
    lastAt: itemNumber(item, "lastAt"),
    due: itemNumber(item, "due") ?? 0,
    dueSince: itemNumber(item, "dueSince"),
    dueLastAt: itemNumber(item, "dueLastAt"),
    firstStopAt: itemNumber(item, "firstStopAt"),
    lastStopAt: itemNumber(item, "lastStopAt"),
    tasks: itemStringList(item, "tasks"),
    dueFirstStopAt: itemNumber(item, "dueFirstStopAt"),
    dueLastStopAt: itemNumber(item, "dueLastStopAt"),
    dueTasks: itemStringList(item, "dueTasks"),
  };
}

const optList = (values: string[] | undefined) => (values && values.length > 0 ? values : undefined);

/** The stored `throttle#` item of a window state. */
export function windowItem(
  table: Pick<StateTable, "retentionMs">,
  throttleKey: string,
  state: WindowState,
  now: number,
): StoredItem {
  const { subject } = state;
  return withoutUndefined({
    ...keys.throttle(throttleKey),
    version: state.version,
    kind: subject.kind,
    category: subject.category,
    scope: subject.scope,
    group: subject.group,
    severity: subject.severity,
    service: subject.service,
    cluster: subject.cluster,
    serviceArn: subject.serviceArn,
    windowStart: state.windowStart,
    windowEnd: state.windowEnd,
    pending: state.pending,
    lastAt: state.lastAt,
    due: state.due,
    dueSince: state.dueSince,
    dueLastAt: state.dueLastAt,
    firstStopAt: state.firstStopAt,
    lastStopAt: state.lastStopAt,
    tasks: optList(state.tasks),
    dueFirstStopAt: state.dueFirstStopAt,
    dueLastStopAt: state.dueLastStopAt,
    dueTasks: optList(state.dueTasks),
    expiresAt: expiresAtSeconds(now, table.retentionMs),
  });
}

export function dynamoThrottleStore(table: StateTable): ThrottleStore {
  const { client, tableName } = table;
  const stateKey = (throttleKey: string) => keys.throttle(throttleKey);

  const itemFromState = (throttleKey: string, state: WindowState, now: number) =>
    windowItem(table, throttleKey, state, now);

  /** Writes `next` only if nobody changed `previous` meanwhile; false when the race was lost. */
  async function swap(
    throttleKey: string,
    previous: WindowState | undefined,
    next: WindowState,
    now: number,
  ) {
    const writer = randomUUID();
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...itemFromState(throttleKey, next, now), writer },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          ...(previous
            ? {
                ConditionExpression: "#version = :version AND #pending = :pending",
                ExpressionAttributeNames: { "#version": "version", "#pending": "pending" },
                ExpressionAttributeValues: {
                  ":version": previous.version,
                  ":pending": previous.pending,
                },
              }
            : { ConditionExpression: "attribute_not_exists(pk)" }),
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // A retry by the SDK of a write that had already succeeded fails its own condition: still a win.
      return itemString(conditionFailedItem(error), "writer") === writer;
    }
  }

  /**
   * One conditional ADD into the open window. `stopTimes` says how this attempt moves the window's stop
   * times: `latest` (the usual case: not older than the latest stop so far), `earliest` (older than the
   * earliest so far), or `none`. Fails (returning the item) when the window has ended or the stop-time
   * condition does not hold.
   */
  async function count(
    throttleKey: string,
    now: number,
    stop: StopSample | undefined,
    stopTimes: "latest" | "earliest" | "none",
  ) {
    const { names, values } = countExpressionParts(now, table.retentionMs);
    let set = "#lastAt = :now, #exp = :exp";
    let condition = "#windowEnd > :now";
    if (stop && stopTimes !== "none") {
      names["#first"] = "firstStopAt";
      values[":at"] = stop.at;
      if (stopTimes === "latest") {
        names["#last"] = "lastStopAt";
        set += ", #last = :at, #first = if_not_exists(#first, :at)";
        condition += " AND (attribute_not_exists(#last) OR #last <= :at)";
      } else {
        set += ", #first = :at";
        condition += " AND #first > :at";
      }
    }
    try {
      const output = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: stateKey(throttleKey),
          UpdateExpression: `ADD #pending :one SET ${set}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: stop ? "ALL_NEW" : "NONE",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { counted: true as const, state: stateFromItem(output.Attributes) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return { counted: false as const, state: stateFromItem(conditionFailedItem(error)) };
    }
  }

  /** Counts a stop into the open window: stop times first as the latest, else as the earliest, else as neither. */
  async function countStop(throttleKey: string, now: number, stop: StopSample | undefined) {
    const order = stop ? (["latest", "earliest", "none"] as const) : (["none"] as const);
    let attempt: Awaited<ReturnType<typeof count>> = { counted: false, state: undefined };
    for (const stopTimes of order) {
      attempt = await count(throttleKey, now, stop, stopTimes);
      // Counted, or the window is gone/ended: the stop-time variants would fail the same way.
      if (attempt.counted || !(attempt.state?.windowEnd !== undefined && attempt.state.windowEnd > now))
        return attempt;
    }
    return attempt;
  }

  /** Lists the stop's task in the window it was counted into, while the window keeps fewer than the maximum. */
  async function listTask(throttleKey: string, state: WindowState | undefined, stop: StopSample) {
    if (!state || state.windowStart === undefined || (state.tasks?.length ?? 0) >= MAX_DIGEST_TASKS) return;
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: stateKey(throttleKey),
          UpdateExpression: "SET #tasks = list_append(if_not_exists(#tasks, :empty), :task)",
          ConditionExpression:
            "#windowStart = :start AND (attribute_not_exists(#tasks) OR size(#tasks) < :max)",
          ExpressionAttributeNames: { "#tasks": "tasks", "#windowStart": "windowStart" },
          ExpressionAttributeValues: {
            ":empty": [],
            ":task": [stop.taskArn],
            ":start": state.windowStart,
            ":max": MAX_DIGEST_TASKS,
          },
        }),
      );
    } catch (error) {
      // The list filled up, or the window closed meanwhile: the stop stays counted, just not listed.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async function read(throttleKey: string) {
    const result = await client.send(
      new GetCommand({ TableName: tableName, Key: stateKey(throttleKey), ConsistentRead: true }),
    );
    return stateFromItem(result.Item);
  }

  async function writePointer(throttleKey: string, windowEnd: number) {
    const k = keys.digestDue(windowEnd, throttleKey);
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: k.pk,
          sk: k.sk,
          throttleKey,
          windowEnd,
          expiresAt: expiresAtSeconds(windowEnd, table.retentionMs),
        },
      }),
    );
  }

  return {
    async hit(subject, now, windowMs, stop): Promise<HitResult> {
      const throttleKey = throttleKeyOf(subject);
      for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
        const attempt = await countStop(throttleKey, now, stop);
        if (attempt.counted) {
          if (stop) await listTask(throttleKey, attempt.state, stop);
          return { verdict: "counted" };
        }
        const { next, digest } = openWindow(attempt.state, subject, now, windowMs);
        if (!(await swap(throttleKey, attempt.state, next, now))) continue;
        await writePointer(throttleKey, next.windowEnd ?? now + windowMs);
        return { verdict: "send", digest };
      }
      throw new ThrottleContentionError(throttleKey);
    },

    async settleDigest(digest: PendingDigest) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: stateKey(digest.throttleKey),
            UpdateExpression:
              "SET #due = :zero, #version = #version + :one " +
              "REMOVE #dueSince, #dueLastAt, #dueFirst, #dueLast, #dueTasks",
            ConditionExpression: "#dueSince = :since",
            ExpressionAttributeNames: {
              "#due": "due",
              "#version": "version",
              "#dueSince": "dueSince",
              "#dueLastAt": "dueLastAt",
              "#dueFirst": "dueFirstStopAt",
              "#dueLast": "dueLastStopAt",
              "#dueTasks": "dueTasks",
            },
            ExpressionAttributeValues: { ":zero": 0, ":one": 1, ":since": digest.since },
          }),
        );
      } catch (error) {
        // Already settled by a concurrent sender of the same digest.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },

    async duePointers(now) {
      const pointers: DuePointer[] = [];
      let startKey: StoredItem | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk AND sk <= :upper",
            ExpressionAttributeValues: {
              ":pk": DIGEST_DUE_PK,
              // '~' sorts after '#', so every key of a window ending at `now` is included.
              ":upper": `${new Date(now).toISOString()}~`,
            },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const throttleKey = itemString(item, "throttleKey");
          const windowEnd = itemNumber(item, "windowEnd");
          const ref = itemString(item, "sk");
          if (throttleKey && windowEnd !== undefined && ref) pointers.push({ throttleKey, windowEnd, ref });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return pointers;
    },

    async closeDue(pointer, now) {
      for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
        const state = await read(pointer.throttleKey);
        if (!state) return { keep: false };
        if (state.windowEnd !== pointer.windowEnd) return { digest: digestOf(state), keep: false };
        if (state.windowEnd > now) return { keep: true };
        const next = closeWindow(state);
        if (await swap(pointer.throttleKey, state, next, now)) return { digest: digestOf(next), keep: false };
      }
      throw new ThrottleContentionError(pointer.throttleKey);
    },

    async dropPointer(pointer) {
      await client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { pk: DIGEST_DUE_PK, sk: pointer.ref },
        }),
      );
    },
  };
}
