/**
 * The use case behind the task-state Lambda: a stopped task (or a Spot interruption notice) becomes a
 * diagnosis, then a message handed to the notifier. Pure orchestration over injected ports.
 */
import { diagnoseTask } from "../diagnosis/index.js";
import type { Diagnosis, DiagnosisContext } from "../diagnosis/types.js";
import { arnName, serviceFromGroup } from "../events/arns.js";
import type { TaskStateChangeEvent } from "../events/parse.js";
import type { EcsTask } from "../events/schemas.js";
import type { Log } from "../log.js";
import { fromDiagnosis } from "../notify/from-diagnosis.js";
import type { ChannelOutcome, Notifier } from "../notify/port.js";

/**
 * Runs after a stopped task is diagnosed, before the generic notification: the jobs module closes a job's run
 * (and sends the job's own message), the deployment module counts crash-loop failures. A hook that took over
 * the notification returns `{ notified: true }`, and the generic stopped-task message is not sent.
 */
export type TaskHook = (event: TaskStateChangeEvent, diagnosis: Diagnosis) => Promise<{ notified?: boolean } | undefined>;

export interface TaskFlowDeps {
  notify: Notifier;
  hooks?: TaskHook[];
  log: Log;
  /** Optional enrichment (memory limits, essential containers); never called for expected (`info`) stops. */
  taskDefinitionContext?: (taskDefinitionArn: string) => Promise<DiagnosisContext | undefined>;
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

/** Same task state delivered twice -> same key. `version` orders a task's events; the notice and the stop differ. */
export function taskDedupeKey(event: TaskStateChangeEvent): string {
  const { taskArn, version, lastStatus } = event.detail;
  return version !== undefined ? `task#${taskArn}#v${version}#${lastStatus ?? ""}` : `event#${event.id}`;
}

export function taskThrottleKey(diagnosis: Diagnosis): string {
  const owner = diagnosis.group ?? (diagnosis.family ? `family:${diagnosis.family}` : arnName(diagnosis.taskArn));
  return `${arnName(diagnosis.clusterArn) ?? "-"}#${owner}#${diagnosis.category}`;
}

export async function handleTaskStateChange(
  event: TaskStateChangeEvent,
  deps: TaskFlowDeps,
): Promise<TaskFlowResult> {
  const task = event.detail;
  if (!isStoppedOrSpotNotice(task)) {
    return { status: "ignored", reason: `lastStatus ${task.lastStatus ?? "unknown"} is not STOPPED` };
  }
  let diagnosis = diagnoseTask(task);
  if (diagnosis.severity !== "info" && deps.taskDefinitionContext && task.taskDefinitionArn) {
    const context = await deps.taskDefinitionContext(task.taskDefinitionArn).catch((error: unknown) => {
      deps.log.warn("task definition lookup failed; diagnosing without it", { error: String(error) });
      return undefined;
    });
    if (context) diagnosis = diagnoseTask(task, context);
  }
  deps.log.info("diagnosed stopped task", {
    category: diagnosis.category,
    subCause: diagnosis.subCause,
    severity: diagnosis.severity,
    culprit: diagnosis.culprit?.name,
  });
  let notifiedByHook = false;
  for (const hook of deps.hooks ?? []) {
    const result = await hook(event, diagnosis);
    if (result?.notified) notifiedByHook = true;
  }
  if (notifiedByHook) return { status: "diagnosed", diagnosis, outcomes: [] };
  const message = fromDiagnosis(diagnosis, { account: event.account, region: event.region, time: event.time });
  const outcomes = await deps.notify(message, {
    dedupeKey: taskDedupeKey(event),
    throttleKey: taskThrottleKey(diagnosis),
    serviceArn: serviceArnOf(task),
  });
  return { status: "diagnosed", diagnosis, outcomes };
}
