/**
 * Real events to mutate: the stopped-task corpus, the deployment fixtures, the example events and, when the
 * shared folder sits beside the repository (developer machines and CI), the AWS documentation examples.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const EVENT_DIRS = [
  join(ROOT, "test/fixtures/stopped-tasks"),
  join(ROOT, "test/deployments/fixtures"),
  join(ROOT, "examples/events"),
  join(ROOT, "test/fixtures/ecs-events"),
];

export interface RealEvent {
  file: string;
  event: Record<string, unknown>;
}

function isEvent(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "detail-type" in value;
}

function loadEvents(): RealEvent[] {
  const events: RealEvent[] = [];
  for (const dir of EVENT_DIRS) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith(".json")) continue;
      const value: unknown = JSON.parse(readFileSync(join(dir, file), "utf8"));
      if (isEvent(value)) events.push({ file, event: value });
    }
  }
  if (events.length === 0) throw new Error(`no real events found under ${EVENT_DIRS.join(", ")}`);
  return events;
}

export const REAL_EVENTS: readonly RealEvent[] = loadEvents();

export const TASK_EVENTS: readonly RealEvent[] = REAL_EVENTS.filter(
  ({ event }) => event["detail-type"] === "ECS Task State Change",
);

interface StopReasonRow {
  stoppedReason?: string | null;
  containerReason?: string | null;
  stopCode?: string | null;
}

function loadReasons(): { reasons: string[]; stopCodes: string[] } {
  const rows = JSON.parse(
    readFileSync(join(ROOT, "test/fixtures/stop-reasons.json"), "utf8"),
  ) as StopReasonRow[];
  const reasons = new Set<string>();
  const stopCodes = new Set<string>();
  for (const row of rows) {
    if (row.stoppedReason) reasons.add(row.stoppedReason);
    if (row.containerReason) reasons.add(row.containerReason);
    if (row.stopCode) stopCodes.add(row.stopCode);
  }
  return { reasons: [...reasons], stopCodes: [...stopCodes] };
}

const corpus = loadReasons();

/** Stop and container reasons exactly as ECS wrote them (AWS docs, public issues). */
export const REAL_REASONS: readonly string[] = corpus.reasons;
export const REAL_STOP_CODES: readonly string[] = corpus.stopCodes;
