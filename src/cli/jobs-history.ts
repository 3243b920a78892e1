/**
 * `ecs-sentinel jobs history NAME [--limit N] [--json]`: past runs of a job from the state table's run records
 * (what the runner and the task-state completion hook wrote), newest first.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../app/config.js";
import { configuredRunStore } from "../app/jobs.js";
import { formatDuration } from "../shared/jobs/duration.js";
import type { JobRunStore } from "../shared/jobs/ports.js";
import type { JobRun } from "../shared/jobs/run-record.js";
import { stderrLog } from "../shared/log.js";
import { type CliIo, UsageError } from "./io.js";

export const JOBS_HISTORY_HELP = `Usage: ecs-sentinel jobs history NAME [--limit N] [--json]

Past runs of job NAME from the state table (STATE_TABLE), newest first: start, end, exit code(s), duration,
result (succeeded, failed, stopped, running, overdue, skipped, failed-to-start), task id and trigger
(scheduled or manual).

Options:
  --limit N   how many runs (default 20, at most 1000)
  --json      JSON Lines, one object per run
  -h, --help  show this help`;

export type RunResult =
  | "succeeded"
  | "failed"
  | "stopped"
  | "running"
  | "overdue"
  | "skipped"
  | "failed-to-start";

export interface HistoryRow {
  job: string;
  runId: string;
  result: RunResult;
  trigger: "scheduled" | "manual";
  startedAt: string;
  stoppedAt?: string;
  durationSeconds?: number;
  exitCodes?: Record<string, number>;
  taskId?: string;
  cluster: string;
  reason: string;
}

/** A finished run whose task was stopped by StopTask (the watchdog, a person) rather than ending by itself. */
const stoppedByRequest = (run: JobRun) => run.stopCode === "UserInitiated";

export function runResult(run: JobRun, now: Date): RunResult {
  if (run.status === "running") {
    const limit = run.maxRuntimeSeconds;
    const elapsed = (now.getTime() - Date.parse(run.startedAt)) / 1000;
    return limit !== undefined && elapsed > limit ? "overdue" : "running";
  }
  if (run.status === "failed" && stoppedByRequest(run)) return "stopped";
  return run.status;
}

export function historyRow(run: JobRun, now: Date): HistoryRow {
  const taskId = run.taskArn?.split("/").pop();
  return {
    job: run.job,
    runId: run.runId,
    result: runResult(run, now),
    // The runner records Scheduler's scheduledTime; `jobs run` and manual invocations have none.
    trigger: run.scheduledTime ? "scheduled" : "manual",
    startedAt: run.startedAt,
    ...(run.stoppedAt ? { stoppedAt: run.stoppedAt } : {}),
    ...(run.durationSeconds !== undefined ? { durationSeconds: run.durationSeconds } : {}),
    ...(run.exitCodes ? { exitCodes: run.exitCodes } : {}),
    ...(taskId ? { taskId } : {}),
    cluster: run.cluster,
    reason: run.reason,
  };
}

const HEADER = ["STARTED", "ENDED", "RESULT", "EXIT", "DURATION", "TRIGGER", "TASK"];

function textRow(row: HistoryRow): string[] {
  const exit = row.exitCodes
    ? Object.entries(row.exitCodes)
        .map(([name, code]) => (Object.keys(row.exitCodes ?? {}).length > 1 ? `${name}=${code}` : `${code}`))
        .join(",")
    : "-";
  return [
    row.startedAt,
    row.stoppedAt ?? "-",
    row.result,
    exit,
    row.durationSeconds !== undefined ? formatDuration(row.durationSeconds) : "-",
    row.trigger,
    row.taskId ?? "-",
  ];
}

function table(rows: string[][]): string {
  const widths = HEADER.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export async function runJobsHistory(
  argv: string[],
  io: CliIo,
  deps: { store?: JobRunStore; now?: () => Date } = {},
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      limit: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${JOBS_HISTORY_HELP}\n`);
    return 0;
  }
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError("history takes exactly one job name");
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError("--limit must be 1 to 1000");
  let store = deps.store;
  if (!store) {
    const config = loadConfig(io.env);
    if (!config.stateTable) throw new UsageError("set STATE_TABLE: run records are kept in the state table");
    store = configuredRunStore(config, stderrLog(false));
  }
  const now = (deps.now ?? (() => new Date()))();
  const rows = (await store.recentRuns(name, limit)).map((run) => historyRow(run, now));
  if (values.json) {
    io.stdout.write(rows.map((row) => `${JSON.stringify(row)}\n`).join(""));
    return 0;
  }
  if (rows.length === 0) {
    io.stdout.write(`no runs of ${name} recorded\n`);
    return 0;
  }
  io.stdout.write(`${table([HEADER, ...rows.map(textRow)])}\n`);
  return 0;
}
