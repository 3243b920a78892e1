/**
 * Context for a failure alert: the culprit's last log lines, what changed since the service's last successful
 * revision, and how often this has happened lately. The three are gathered in parallel within one budget, and
 * each one that fails or runs out of time is left out (the log tail says why): context never holds up or
 * blocks the alert. Orchestration over injected ports; the AWS adapters are built in src/app/enrichment.ts.
 */

import { errorSummary } from "../aws-errors.js";
import type { Diagnosis } from "../diagnosis/types.js";
import { shouldEnrich } from "../enrich/call-counter.js";
import { DEFAULT_HISTORY_WINDOW_MS, historyLine, stopFromDiagnosis } from "../enrich/history.js";
import type { HistoryStore } from "../enrich/history-store.js";
import type { LogTail, LogTailRequest } from "../enrich/log-tail.js";
import { logTailContainerName, REASONS, shouldFetchLogTail } from "../enrich/log-tail-choice.js";
import type { ServiceDeploymentsLookup } from "../enrich/service-deployments.js";
import type { TaskDefinitionLoader } from "../enrich/task-definition-cache.js";
import type { EcsTask } from "../events/schemas.js";
import { loadOnce, ModuleLoadError } from "../load-once.js";
import type { Log } from "../log.js";
import type { ChangesSection, LogTailSection } from "../notify/message.js";
import { changesMatter, lastSuccessfulRevision, unchangedSection } from "./what-changed-baseline.js";

type WhatChanged = typeof import("./what-changed.js");

/** The task definition diff loads with the first failure that has another revision to compare with. */
const whatChanged = /* @__PURE__ */ loadOnce<WhatChanged>(
  "the task definition diff",
  () => import("./what-changed.js"),
);

/** Kept free for rendering and sending once the context is gathered (Slack retries need seconds too). */
export const NOTIFY_RESERVE_MS = 5000;

export interface TaskEnrichment {
  /** Cached DescribeTaskDefinition, shared with the diagnosis' task definition context. */
  loadTaskDefinition: TaskDefinitionLoader;
  /** fetchLogTail bound to its clients; absent: no log tails. */
  readLogTail?: (request: LogTailRequest) => Promise<LogTail>;
  /** DescribeServices, cached per service; absent: no "what changed". */
  serviceDeployments?: ServiceDeploymentsLookup;
  /** The state table's incident history; absent: no history line and nothing recorded. */
  history?: HistoryStore;
  /** Time allowed for all context of one alert (ENRICH_BUDGET_MS). */
  budgetMs: number;
  /** Time left in the invocation (Lambda's getRemainingTimeInMillis); the budget keeps NOTIFY_RESERVE_MS of it. */
  remainingMs?: () => number;
  /** How many log lines (LOG_TAIL_LINES). */
  logTailLines: number;
  /** The history line counts stops within this window before the stop (default 24 h). */
  historyWindowMs?: number;
  now?: () => number;
}

/** What the alert gets; each part is absent when it does not apply or could not be had. */
export interface AlertContext {
  logTail?: LogTailSection;
  changes?: ChangesSection;
  history?: string;
}

export class EnrichmentTimeoutError extends Error {
  override readonly name = "EnrichmentTimeoutError";
}

/** Milliseconds left for context: the smaller of the own budget and the invocation's time minus the reserve. */
export type Remaining = () => number;

export function startBudget(enrichment: TaskEnrichment): Remaining {
  const now = enrichment.now ?? Date.now;
  const deadline = now() + enrichment.budgetMs;
  return () => {
    const own = deadline - now();
    const invocation = enrichment.remainingMs ? enrichment.remainingMs() - NOTIFY_RESERVE_MS : own;
    return Math.max(0, Math.min(own, invocation));
  };
}

/**
 * Starts `work` when time is left and settles with it, or rejects with EnrichmentTimeoutError when the
 * budget runs out first (the call is then abandoned, not awaited).
 */
export async function withinBudget<T>(remaining: Remaining, start: () => Promise<T>): Promise<T> {
  const ms = remaining();
  if (ms <= 0) throw new EnrichmentTimeoutError("no time left for alert context");
  const work = start();
  // The work may still settle later: its rejection must not surface as an unhandled one.
  work.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EnrichmentTimeoutError(`alert context took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Context is spent on failures only (`shouldEnrich`): expected stops cost no call at all. */
export function enrichmentFor(
  enrichment: TaskEnrichment | undefined,
  diagnosis: Pick<Diagnosis, "severity">,
): TaskEnrichment | undefined {
  return enrichment && shouldEnrich(diagnosis) ? enrichment : undefined;
}

function describeError(error: unknown): string {
  if (error instanceof EnrichmentTimeoutError) return REASONS.timedOut;
  return errorSummary(error);
}

function tailSection(container: string, tail: LogTail): LogTailSection {
  if (tail.kind === "lines") {
    return {
      lines: tail.lines,
      source: `container ${container} · ${tail.group}`,
      ...(tail.link ? { link: tail.link } : {}),
    };
  }
  return {
    lines: [],
    source: `container ${container}`,
    note: tail.reason,
    ...(tail.link ? { link: tail.link } : {}),
  };
}

interface Subject {
  task: EcsTask;
  diagnosis: Diagnosis;
  /** The failing task definition, when it could be loaded. */
  definition: Awaited<ReturnType<TaskDefinitionLoader>>;
}

async function logTailPart(
  { task, diagnosis, definition }: Subject,
  enrichment: TaskEnrichment,
  remaining: Remaining,
): Promise<LogTailSection | undefined> {
  if (!enrichment.readLogTail || !shouldFetchLogTail(diagnosis)) return undefined;
  const container = logTailContainerName(diagnosis, definition);
  if (!container) return undefined;
  const runtimeId = task.containers.find((c) => c.name === container)?.runtimeId;
  const { readLogTail } = enrichment;
  const request: LogTailRequest = {
    taskArn: task.taskArn,
    containerName: container,
    taskDefinition: definition,
    ...(runtimeId ? { runtimeId } : {}),
    lines: enrichment.logTailLines,
    remainingMs: remaining,
  };
  try {
    return tailSection(container, await withinBudget(remaining, () => readLogTail(request)));
  } catch (error) {
    if (error instanceof ModuleLoadError) throw error;
    return { lines: [], source: `container ${container}`, note: describeError(error) };
  }
}

async function changesPart(
  { task, diagnosis, definition }: Subject,
  enrichment: TaskEnrichment,
): Promise<ChangesSection | undefined> {
  const failingArn = task.taskDefinitionArn;
  if (!enrichment.serviceDeployments || !diagnosis.service || !task.clusterArn || !failingArn)
    return undefined;
  if (!definition || !changesMatter(diagnosis.category)) return undefined;
  const deployments = await enrichment.serviceDeployments(task.clusterArn, diagnosis.service);
  const baseline = lastSuccessfulRevision(deployments ?? [], failingArn);
  if (baseline.kind === "none") return undefined;
  if (baseline.kind === "same") return unchangedSection(failingArn);
  const before = await enrichment.loadTaskDefinition(baseline.taskDefinitionArn);
  return before
    ? (await whatChanged()).changesSection(baseline.taskDefinitionArn, before, definition)
    : undefined;
}

async function historyPart(diagnosis: Diagnosis, enrichment: TaskEnrichment): Promise<string | undefined> {
  if (!enrichment.history) return undefined;
  const now = enrichment.now ?? Date.now;
  const stop = stopFromDiagnosis(diagnosis, now());
  // The window ends at the stop itself, so a replayed or late event reads the history of its own time.
  const at = Date.parse(stop.stoppedAt);
  const windowMs = enrichment.historyWindowMs ?? DEFAULT_HISTORY_WINDOW_MS;
  const stops = await enrichment.history.recentStops({
    cluster: stop.cluster,
    group: stop.group,
    since: at - windowMs,
  });
  return historyLine(stops, diagnosis, at, { windowMs });
}

/**
 * Records the stop in the incident history. Resolves either way (a failure is logged): the history is
 * context, and an alert must not wait for it or fail because of it.
 */
export async function recordStop(
  diagnosis: Diagnosis,
  enrichment: TaskEnrichment,
  remaining: Remaining,
  log: Log,
): Promise<void> {
  if (!enrichment.history) return;
  try {
    const { history } = enrichment;
    await withinBudget(remaining, () => history.recordDiagnosis(diagnosis));
  } catch (error) {
    log.warn("could not record the stop in the incident history", { error: describeError(error) });
  }
}

/** Loads the failing task definition within the budget; undefined (logged) when it cannot be had. */
export async function loadFailingDefinition(
  task: EcsTask,
  enrichment: TaskEnrichment,
  remaining: Remaining,
  log: Log,
): Promise<Subject["definition"]> {
  if (!task.taskDefinitionArn) return undefined;
  try {
    const arn = task.taskDefinitionArn;
    return await withinBudget(remaining, () => enrichment.loadTaskDefinition(arn));
  } catch (error) {
    log.warn("task definition lookup failed; alert context without it", { error: describeError(error) });
    return undefined;
  }
}

/** The log tail, the changes and the history line, in parallel, each within what is left of the budget. */
export async function gatherAlertContext(
  task: EcsTask,
  diagnosis: Diagnosis,
  enrichment: TaskEnrichment,
  remaining: Remaining,
  log: Log,
): Promise<AlertContext> {
  const definition = await loadFailingDefinition(task, enrichment, remaining, log);
  const subject: Subject = { task, diagnosis, definition };
  const [tail, changes, history] = await Promise.allSettled([
    logTailPart(subject, enrichment, remaining),
    withinBudget(remaining, () => changesPart(subject, enrichment)),
    withinBudget(remaining, () => historyPart(diagnosis, enrichment)),
  ]);
  // A module that would not load is a broken bundle, not missing context: the event fails and is retried.
  for (const part of [tail, changes, history])
    if (part.status === "rejected" && part.reason instanceof ModuleLoadError) throw part.reason;
  if (changes.status === "rejected") {
    log.warn("could not tell what changed since the last successful revision", {
      error: describeError(changes.reason),
    });
  }
  if (history.status === "rejected") {
    log.warn("could not read the incident history", { error: describeError(history.reason) });
  }
  const context: AlertContext = {};
  if (tail.status === "fulfilled" && tail.value) context.logTail = tail.value;
  if (changes.status === "fulfilled" && changes.value) context.changes = changes.value;
  if (history.status === "fulfilled" && history.value) context.history = history.value;
  log.info("alert context", {
    logTail: context.logTail ? (context.logTail.note ?? `${context.logTail.lines.length} lines`) : "none",
    changes: context.changes ? context.changes.lines.length : "none",
    history: context.history ?? "none",
  });
  return context;
}
