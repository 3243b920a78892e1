/**
 * The use case behind the task-state Lambda: a stopped task (or a Spot interruption notice) becomes a
 * diagnosis, a failure gets its context (log tail, what changed, history; see enrichment.ts), then a message
 * is handed to the notifier. Pure orchestration over injected ports.
 */
import { diagnoseTask } from "../diagnosis/index.js";
import type { Diagnosis, DiagnosisContext } from "../diagnosis/types.js";
import { arnName, serviceFromGroup } from "../events/arns.js";
import type { TaskStateChangeEvent } from "../events/parse.js";
import type { EcsTask } from "../events/schemas.js";
import type { HostImpairment } from "../hosts/ports.js";
import { withHostEvidence } from "../hosts/stop-link.js";
import { loadOnce } from "../load-once.js";
import type { Log } from "../log.js";
import { fromDiagnosis } from "../notify/from-diagnosis.js";
import type { Message } from "../notify/message.js";
import type { ChannelOutcome, Notifier } from "../notify/port.js";
import type { EventRows } from "../notify/store/types.js";
import { muteActions } from "../slack-actions/offers.js";
import {
  type AlertContext,
  enrichmentFor,
  gatherAlertContext,
  type Remaining,
  recordStop,
  startBudget,
  type TaskEnrichment,
  withinBudget,
} from "./enrichment.js";
import { stoppedTaskThread } from "./stop-thread.js";

/**
 * The log signatures load with the first tail read, not with the Lambda: most stops never need them. A failed
 * load is a ModuleLoadError, which message preparation lets through (the event fails and is retried).
 */
const logSignatures = /* @__PURE__ */ loadOnce(
  "the log signatures",
  () => import("../diagnosis/log-signatures/index.js"),
);

/**
 * Runs after a stopped task is diagnosed, before the generic notification: the jobs module closes a job's run
 * (and sends the job's own message), the deployment module counts crash-loop failures. A hook that took over
 * the notification returns `{ notified: true }`, and the generic stopped-task message is not sent.
 */
export type TaskHook = (
  event: TaskStateChangeEvent,
  diagnosis: Diagnosis,
) => Promise<{ notified?: boolean } | undefined>;

export interface TaskFlowDeps {
  notify: Notifier;
  hooks?: TaskHook[];
  log: Log;
  /** Optional enrichment (memory limits, essential containers); never called for expected (`info`) stops. */
  taskDefinitionContext?: (taskDefinitionArn: string) => Promise<DiagnosisContext | undefined>;
  /**
   * Alert context for failures: log tail, what changed, incident history. It reads AWS like
   * `taskDefinitionContext`, so it runs only alongside it: a caller that switches AWS reads off by leaving
   * `taskDefinitionContext` out (`replay --dry-run`) switches this off too.
   */
  enrichment?: TaskEnrichment;
  /** Keeps another account's or region's flood and incident keys apart (an Organization hub); empty at home. */
  keyPrefix?: string;
  /**
   * The impairment of the host (container instance) a task stopped on, recorded by the host events within the
   * window (hosts/stop-link.ts cachedHostLookup); absent -> stops are not linked to hosts.
   */
  hostImpairment?: (containerInstanceArn: string, stoppedAt?: number) => Promise<HostImpairment | undefined>;
}

export type TaskFlowResult =
  | { status: "ignored"; reason: string }
  | { status: "diagnosed"; diagnosis: Diagnosis; outcomes: ChannelOutcome[] };

const SPOT_NOTICE_CODES = new Set(["SpotInterruption", "TerminationNotice"]);

export function isStoppedOrSpotNotice(task: EcsTask): boolean {
  if (task.lastStatus === "STOPPED") return true;
  return task.desiredStatus === "STOPPED" && SPOT_NOTICE_CODES.has(task.stopCode ?? "");
}

/** arn:aws:ecs:R:A:cluster/C + service:S -> arn:aws:ecs:R:A:service/C/S */
export function serviceArnOf(task: EcsTask): string | undefined {
  const service = serviceFromGroup(task.group);
  const cluster = task.clusterArn;
  if (!service || !cluster) return undefined;
  return `${cluster.replace(":cluster/", ":service/")}/${service}`;
}

/**
 * One task = one incident. ECS sends more than one STOPPED event for a task (each with a new event id and a
 * higher `detail.version`, later ones sometimes with exit codes filled in), EventBridge may deliver any of
 * them twice, and a Spot task gets an interruption notice (RUNNING, desired STOPPED) before its STOPPED
 * event. All of these share one key, derived from the task ARN alone, so the task is notified once and
 * counted once by flood control, whichever copy comes first and however late a redelivery is (within the
 * state table's TTL). A notice followed by the task's STOPPED event is one incident: the notice (the earlier
 * and more useful warning) is the message; the STOPPED event sends nothing more and is what the incident
 * history records. A later, more complete event never sends a second message; the history keeps the
 * latest copy of the task's record.
 */
export function taskDedupeKey(event: TaskStateChangeEvent): string {
  return `task#${event.detail.taskArn}#stop`;
}

function timeOf(value: string | undefined): number | undefined {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** When the task stopped, from the event: `stoppedAt`, else (the Spot notice) the event's time. */
export function stopTimeOf(event: TaskStateChangeEvent): number | undefined {
  return timeOf(event.detail.stoppedAt) ?? timeOf(event.time);
}

export function taskThrottleKey(diagnosis: Diagnosis): string {
  const owner =
    diagnosis.group ?? (diagnosis.family ? `family:${diagnosis.family}` : arnName(diagnosis.taskArn));
  return `${arnName(diagnosis.clusterArn) ?? "-"}#${owner}#${diagnosis.category}`;
}

/** The diagnosis, re-run with the task definition's memory limits and essential containers when it helps. */
async function diagnoseWithContext(
  task: EcsTask,
  deps: TaskFlowDeps,
  remaining: Remaining | undefined,
): Promise<Diagnosis> {
  const diagnosis = diagnoseTask(task);
  if (diagnosis.severity === "info" || !deps.taskDefinitionContext || !task.taskDefinitionArn)
    return diagnosis;
  const { taskDefinitionContext } = deps;
  const arn = task.taskDefinitionArn;
  const lookup = () => taskDefinitionContext(arn);
  const context = await (remaining ? withinBudget(remaining, lookup) : lookup()).catch((error: unknown) => {
    deps.log.warn("task definition lookup failed; diagnosing without it", { error: String(error) });
    return undefined;
  });
  return context ? diagnoseTask(task, context) : diagnosis;
}

/** A failure of a service offers to mute the service's alerts (Slack buttons, where approvers are set). */
function withMuteButtons(message: Message, serviceArn: string | undefined): Message {
  if (message.severity === "info" || !serviceArn) return message;
  return { ...message, actions: muteActions({ serviceArn }) };
}

/** An EC2 task that stopped on a host seen impaired says so; the host's record never fails the stop. */
async function withHostLink(task: EcsTask, diagnosis: Diagnosis, deps: TaskFlowDeps): Promise<Diagnosis> {
  if (!deps.hostImpairment || !task.containerInstanceArn) return diagnosis;
  const stoppedAt = task.stoppedAt ? Date.parse(task.stoppedAt) : undefined;
  const impairment = await deps
    .hostImpairment(task.containerInstanceArn, Number.isFinite(stoppedAt) ? stoppedAt : undefined)
    .catch((error: unknown) => {
      deps.log.warn("could not read the host's status; diagnosing without it", { error: String(error) });
      return undefined;
    });
  return impairment ? withHostEvidence(diagnosis, impairment) : diagnosis;
}

export async function handleTaskStateChange(
  event: TaskStateChangeEvent,
  deps: TaskFlowDeps,
): Promise<TaskFlowResult> {
  const task = event.detail;
  if (!isStoppedOrSpotNotice(task)) {
    return { status: "ignored", reason: `lastStatus ${task.lastStatus ?? "unknown"} is not STOPPED` };
  }
  // One budget for every context call of this alert, started before the first of them.
  const enabled = deps.taskDefinitionContext ? deps.enrichment : undefined;
  const remaining = enabled ? startBudget(enabled) : undefined;
  const diagnosis = await withHostLink(task, await diagnoseWithContext(task, deps, remaining), deps);
  deps.log.info("diagnosed stopped task", {
    category: diagnosis.category,
    subCause: diagnosis.subCause,
    severity: diagnosis.severity,
    culprit: diagnosis.culprit?.name,
  });
  const enrichment = enrichmentFor(enabled, diagnosis);
  // Only a STOPPED event is recorded (a Spot notice's task is still running; its STOPPED event follows), dated
  // by the event when it has no stoppedAt, so every copy of the task's stop has the same record key.
  const stopped = task.lastStatus === "STOPPED";
  const occurredAt = stopTimeOf(event);
  const record =
    occurredAt !== undefined && !diagnosis.stoppedAt
      ? { ...diagnosis, stoppedAt: new Date(occurredAt).toISOString() }
      : diagnosis;
  const recordAlone = () =>
    enrichment && remaining && stopped
      ? recordStop(record, enrichment, remaining, deps.log)
      : Promise.resolve();
  // The stop's history rows ride on the notification's claim (one transaction with the flood count); a duplicate
  // copy finds them written by the first copy's claim. They are written on their own only when the notification
  // did not (a hook sent the alert, a released retry, rows the first claim could not carry).
  const rowsFor = enrichment?.history?.rowsFor?.bind(enrichment.history);
  const rows: EventRows | undefined =
    rowsFor && remaining && stopped ? { items: rowsFor(record), written: false } : undefined;
  // Without rows, recorded while the hooks run: a job's failure belongs in the history even when its hook sends
  // the alert.
  const recording = rows ? undefined : recordAlone();
  const recordUnlessWritten = () => recording ?? (rows?.written ? Promise.resolve() : recordAlone());
  let notifiedByHook = false;
  try {
    for (const hook of deps.hooks ?? []) {
      const result = await hook(event, diagnosis);
      if (result?.notified) notifiedByHook = true;
    }
  } catch (error) {
    await recordUnlessWritten();
    throw error;
  }
  if (notifiedByHook) {
    await recordUnlessWritten();
    return { status: "diagnosed", diagnosis, outcomes: [] };
  }
  const env = { account: event.account, region: event.region, time: event.time };
  const prepare =
    enrichment && remaining
      ? async () => {
          const context: AlertContext = await gatherAlertContext(
            task,
            record,
            enrichment,
            remaining,
            deps.log,
          );
          // The tail is known only now: read it, so the message says what broke and what to change.
          const lines = context.logTail?.lines ?? [];
          const refined =
            lines.length > 0 ? (await logSignatures()).refineWithLogs(diagnosis, lines) : diagnosis;
          return withMuteButtons(fromDiagnosis(refined, { ...env, ...context }), serviceArnOf(task));
        }
      : undefined;
  const throttleKey = `${deps.keyPrefix ?? ""}${taskThrottleKey(diagnosis)}`;
  const serviceArn = serviceArnOf(task);
  const at = occurredAt ?? Date.now();
  let outcomes: ChannelOutcome[];
  try {
    outcomes = await deps.notify(withMuteButtons(fromDiagnosis(diagnosis, env), serviceArn), {
      dedupeKey: taskDedupeKey(event),
      throttleKey,
      serviceArn,
      taskArn: task.taskArn,
      ...(occurredAt !== undefined ? { occurredAt } : {}),
      prepare,
      thread: stoppedTaskThread(event, diagnosis, throttleKey, serviceArn, at),
      ...(rows ? { rows } : {}),
    });
  } finally {
    await recordUnlessWritten();
  }
  return { status: "diagnosed", diagnosis, outcomes };
}
