/**
 * Incident history: what a recorded stop looks like, where it is kept in the state table, and what the
 * history says about a new stop ("3rd out-of-memory stop of `api` in 24 h, first at 08:12 UTC"). Pure.
 *
 * Layout (single table, no index): each stop is written twice, so that both questions are one Query on a
 * partition key, sorted by time:
 *   pk `history#<cluster>#<group>`  sk `<stoppedAtIso>#<taskId>`           this service / family
 *   pk `history#<cluster>`          sk `<stoppedAtIso>#<group>#<taskId>`   the whole cluster (CLI)
 * A GSI would cost the same second write, plus an index to declare and deploy; filtering the cluster
 * partition by group instead would read every other service's stops too.
 */
import type { Category, Diagnosis, Severity } from "../diagnosis/types.js";
import { arnName } from "../events/arns.js";
import { HISTORY_RETENTION_MS, KEY_PREFIX } from "../table.js";

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_HISTORY_RETENTION_MS = HISTORY_RETENTION_MS;
export const DEFAULT_HISTORY_WINDOW_MS = DAY_MS;

export interface HistoryStop {
  /** Cluster name (not ARN): what a person types after --cluster. */
  cluster: string;
  /** `service:NAME` or `family:NAME`, as in the task's `group`. */
  group: string;
  taskArn: string;
  taskId: string;
  /** ISO 8601, UTC. */
  stoppedAt: string;
  category: Category;
  subCause: string;
  severity: Severity;
  title: string;
  culprit?: string;
  exitCode?: number;
}

export interface HistoryKey {
  pk: string;
  sk: string;
}

export function clusterName(clusterArnOrName: string | undefined): string {
  return arnName(clusterArnOrName) ?? "unknown";
}

/** `service:api` -> `api`, `family:nightly` -> `nightly`. */
export function groupLabel(group: string): string {
  const colon = group.indexOf(":");
  return colon >= 0 ? group.slice(colon + 1) : group;
}

export function groupPartitionKey(cluster: string, group: string): string {
  return `${KEY_PREFIX.history}${cluster}#${group}`;
}

export function clusterPartitionKey(cluster: string): string {
  return `${KEY_PREFIX.history}${cluster}`;
}

export function historyKeys(stop: HistoryStop): { byGroup: HistoryKey; byCluster: HistoryKey } {
  return {
    byGroup: { pk: groupPartitionKey(stop.cluster, stop.group), sk: `${stop.stoppedAt}#${stop.taskId}` },
    byCluster: {
      pk: clusterPartitionKey(stop.cluster),
      sk: `${stop.stoppedAt}#${stop.group}#${stop.taskId}`,
    },
  };
}

/**
 * One stop per task: records of the same task (written before every copy of a stop shared one key, e.g. a
 * Spot notice dated by its processing time and the task's STOPPED event) count once. The latest-dated record
 * is kept: it is the STOPPED event's, with the most information. Input order is kept otherwise.
 */
export function distinctTasks(stops: readonly HistoryStop[]): HistoryStop[] {
  const latest = new Map<string, HistoryStop>();
  for (const stop of stops) {
    const seen = latest.get(stop.taskArn);
    if (!seen || stop.stoppedAt > seen.stoppedAt) latest.set(stop.taskArn, stop);
  }
  return stops.filter((stop) => latest.get(stop.taskArn) === stop);
}

/** The history record of a diagnosis; a stop without `stoppedAt` (the Spot notice) is dated `nowMs`. */
export function stopFromDiagnosis(diagnosis: Diagnosis, nowMs: number): HistoryStop {
  const taskId = arnName(diagnosis.taskArn) ?? diagnosis.taskArn;
  const group = diagnosis.group ?? (diagnosis.family ? `family:${diagnosis.family}` : `task:${taskId}`);
  const parsed = diagnosis.stoppedAt ? Date.parse(diagnosis.stoppedAt) : Number.NaN;
  const stop: HistoryStop = {
    cluster: clusterName(diagnosis.clusterArn),
    group,
    taskArn: diagnosis.taskArn,
    taskId,
    stoppedAt: new Date(Number.isFinite(parsed) ? parsed : nowMs).toISOString(),
    category: diagnosis.category,
    subCause: diagnosis.subCause,
    severity: diagnosis.severity,
    title: diagnosis.title,
  };
  if (diagnosis.culprit?.name) stop.culprit = diagnosis.culprit.name;
  if (diagnosis.culprit?.exitCode !== undefined) stop.exitCode = diagnosis.culprit.exitCode;
  return stop;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 102nd, 111th. */
export function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${n}th`;
  const suffix = ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

/** 24 h, 90 min, 7 d: the unit a person would use for the window. */
export function formatWindow(ms: number): string {
  if (ms >= 2 * DAY_MS && ms % DAY_MS === 0) return `${ms / DAY_MS} d`;
  if (ms >= HOUR_MS && ms % HOUR_MS === 0) return `${ms / HOUR_MS} h`;
  return `${Math.round(ms / MINUTE_MS)} min`;
}

/** `08:12 UTC` on the same UTC day as `now`, else `2024-05-01 08:12 UTC`. */
function formatMoment(atMs: number, nowMs: number): string {
  const at = new Date(atMs).toISOString();
  const time = `${at.slice(11, 16)} UTC`;
  return at.slice(0, 10) === new Date(nowMs).toISOString().slice(0, 10) ? time : `${at.slice(0, 10)} ${time}`;
}

export interface HistoryLineOptions {
  windowMs?: number;
}

/**
 * One sentence of context for an alert: how many stops of this kind the same service (or task family) had
 * within the window, this one included. Undefined for the first occurrence: "1st" says nothing.
 * `stops` may or may not already contain this diagnosis' own record.
 */
export function historyLine(
  stops: readonly HistoryStop[],
  diagnosis: Diagnosis,
  now: Date | number,
  options: HistoryLineOptions = {},
): string | undefined {
  const nowMs = typeof now === "number" ? now : now.getTime();
  const windowMs = options.windowMs ?? DEFAULT_HISTORY_WINDOW_MS;
  const current = stopFromDiagnosis(diagnosis, nowMs);
  const since = nowMs - windowMs;
  const earlier = distinctTasks(stops).filter((stop) => {
    const at = Date.parse(stop.stoppedAt);
    return (
      stop.taskArn !== current.taskArn &&
      stop.cluster === current.cluster &&
      stop.group === current.group &&
      stop.category === current.category &&
      at >= since &&
      at <= nowMs
    );
  });
  if (earlier.length === 0) return undefined;
  const first = Math.min(Date.parse(current.stoppedAt), ...earlier.map((stop) => Date.parse(stop.stoppedAt)));
  return (
    `${ordinal(earlier.length + 1)} ${current.category} stop of \`${groupLabel(current.group)}\` ` +
    `in ${formatWindow(windowMs)}, first at ${formatMoment(first, nowMs)}`
  );
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export interface HistorySummaryRow {
  category: Category;
  count: number;
  /** The worst severity among these stops. */
  severity: Severity;
  /** Service or family names (`api`, `nightly`) with their counts, most stops first. */
  groups: Array<{ name: string; count: number }>;
  subCauses: Array<{ subCause: string; count: number }>;
  firstAt: string;
  lastAt: string;
  /** Title of the most recent stop, e.g. "Container `web` ran out of memory". */
  lastTitle: string;
}

function countsOf(values: readonly string[]): Array<{ key: string; count: number }> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** Recent stops grouped by category, the most frequent first (rows for `ecs-sentinel history`). */
export function summarizeHistory(stops: readonly HistoryStop[]): HistorySummaryRow[] {
  const byCategory = new Map<Category, HistoryStop[]>();
  for (const stop of distinctTasks(stops))
    byCategory.set(stop.category, [...(byCategory.get(stop.category) ?? []), stop]);
  const rows = [...byCategory].map(([category, group]): HistorySummaryRow => {
    const sorted = [...group].sort((a, b) => a.stoppedAt.localeCompare(b.stoppedAt));
    const first = sorted[0] as HistoryStop;
    const last = sorted.at(-1) as HistoryStop;
    const severity = sorted.reduce<Severity>(
      (worst, stop) => (SEVERITY_RANK[stop.severity] > SEVERITY_RANK[worst] ? stop.severity : worst),
      "info",
    );
    return {
      category,
      count: sorted.length,
      severity,
      groups: countsOf(sorted.map((stop) => groupLabel(stop.group))).map(({ key, count }) => ({
        name: key,
        count,
      })),
      subCauses: countsOf(sorted.map((stop) => stop.subCause)).map(({ key, count }) => ({
        subCause: key,
        count,
      })),
      firstAt: first.stoppedAt,
      lastAt: last.stoppedAt,
      lastTitle: last.title,
    };
  });
  return rows.sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt));
}

export class InvalidSinceError extends Error {
  override readonly name = "InvalidSinceError";
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: MINUTE_MS,
  min: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
  w: 7 * DAY_MS,
};

/** `90m`, `24h`, `7d` (also `30s`, `2w`) -> milliseconds. Throws InvalidSinceError for anything else. */
export function parseSince(text: string): number {
  const match = /^(\d{1,6})\s*(s|m|min|h|d|w)$/i.exec(text.trim());
  const amount = match ? Number(match[1]) : Number.NaN;
  const unit = UNIT_MS[match?.[2]?.toLowerCase() ?? ""];
  if (!unit || !Number.isFinite(amount) || amount <= 0) {
    throw new InvalidSinceError(`--since must be a duration such as 90m, 24h or 7d, got "${text}"`);
  }
  return amount * unit;
}
