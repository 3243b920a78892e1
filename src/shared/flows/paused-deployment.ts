/**
 * `ECS Hook State Change`: a deployment paused by a pause hook asks people to decide, in the deployment's thread
 * (app mode: the card shows the pause and, for opted-in services, Continue / Roll back buttons) and by email
 * (which names the CLI commands). Any later hook event edits the card and takes the buttons away.
 *
 * What the new revision's tasks look like is read through the hook's ECS ports (DescribeServiceDeployments, the
 * target revision, the service and its tasks). A transient failure to read them is thrown (Lambda retries the
 * event; the message dedupe makes that safe); any other is said in the message, which still goes out with what
 * the event itself says — without buttons, because whether the service is opted in is then unknown.
 */
import { errorSummary, isTransientError } from "../aws-errors.js";
import { pausedActionRefusal } from "../deployments/paused-hook.js";
import { deploymentThreadKey } from "../deployments/thread-key.js";
import { diagnoseTask } from "../diagnosis/index.js";
import type { HookStateChangeEvent } from "../events/parse.js";
import {
  hookStateCardPatch,
  hookStateMessage,
  type PauseView,
  pausedCardPatch,
  pausedMessage,
} from "../hooks/pause.js";
import { isRunningHealthy, isStopped } from "../hooks/task-health.js";
import type { Log } from "../log.js";
import { serviceLogKeys } from "../log-keys.js";
import type { Notifier } from "../notify/port.js";
import type { ThreadMeta } from "../notify/threads/types.js";
import { type DeploymentHookPorts, type Loaded, loadTargetRevision } from "./deployment-hook.js";
import { latestDeploymentKey } from "./deployment-thread.js";
import type { DispatchResult } from "./dispatch.js";

export const HOOK_AWAITING_ACTION = "HOOK_AWAITING_ACTION";

/** A service deployment as DescribeServiceDeployments describes it (the fields a pause needs). */
export interface PausedServiceDeployment {
  serviceDeploymentArn: string;
  targetServiceRevisionArn?: string;
  status?: string;
  lifecycleHookDetails: {
    hookId?: string;
    status?: string;
    expiresAt?: string;
    timeoutAction?: string;
  }[];
}

export interface PausePorts extends DeploymentHookPorts {
  /** undefined: ECS does not know the service deployment (DescribeServiceDeployments `failures`). */
  loadServiceDeployment: (serviceDeploymentArn: string) => Promise<PausedServiceDeployment | undefined>;
}

export interface PauseFlowDeps {
  notify: Notifier;
  log: Log;
  /** Absent (dry runs without AWS): the message says what the event says. */
  ports?: PausePorts;
}

const ARN_SERVICE_DEPLOYMENT = /^arn:[^:]+:ecs:[^:]*:[^:]*:service-deployment\/([^/]+)\/([^/]+)\/[^/]+$/;

/** The service ARN of a service deployment ARN (same partition, region, account, cluster and service). */
function serviceArnOf(serviceDeploymentArn: string | undefined): string | undefined {
  const match = serviceDeploymentArn ? ARN_SERVICE_DEPLOYMENT.exec(serviceDeploymentArn) : null;
  if (!match || !serviceDeploymentArn) return undefined;
  const prefix = serviceDeploymentArn.slice(0, serviceDeploymentArn.indexOf(":service-deployment/"));
  return `${prefix}:service/${match[1]}/${match[2]}`;
}

function viewOfEvent(event: HookStateChangeEvent): PauseView | undefined {
  const { detail } = event;
  const serviceDeploymentArn =
    detail.serviceDeploymentArn ?? event.resources.find((arn) => arn.includes(":service-deployment/"));
  const serviceArn = detail.serviceArn ?? serviceArnOf(serviceDeploymentArn);
  if (!serviceArn || !serviceDeploymentArn) return undefined;
  return {
    serviceArn,
    serviceDeploymentArn,
    ...(detail.hookId ? { hookId: detail.hookId } : {}),
    ...(detail.lifecycleStage ? { stage: detail.lifecycleStage } : {}),
    ...(detail.expiresAt ? { expiresAt: detail.expiresAt } : {}),
    ...(event.account ? { account: event.account } : {}),
    ...(event.region ? { region: event.region } : {}),
    ...(event.time ? { time: event.time } : {}),
  };
}

function tasksOf(loaded: Loaded): PauseView["tasks"] {
  const live = loaded.tasks.filter((task) => !isStopped(task));
  const stopped = loaded.tasks
    .filter(isStopped)
    .sort((a, b) => (b.stoppedAt ?? "").localeCompare(a.stoppedAt ?? ""))
    .map((task) => diagnoseTask(task));
  return {
    running: live.filter((task) => task.lastStatus === "RUNNING").length,
    healthy: live.filter((task) => isRunningHealthy(task, loaded.hasHealthCheck)).length,
    ...(loaded.expectedCount !== undefined ? { desired: loaded.expectedCount } : {}),
    stopped,
  };
}

/** The event's view completed with what ECS says now; throws transient failures only. */
async function completeView(view: PauseView, ports: PausePorts, log: Log): Promise<PauseView> {
  try {
    const deployment = await ports.loadServiceDeployment(view.serviceDeploymentArn);
    if (!deployment) return { ...view, loadProblem: "ECS does not know the service deployment" };
    const hook =
      deployment.lifecycleHookDetails.find((h) => h.hookId === view.hookId) ??
      (view.hookId ? undefined : deployment.lifecycleHookDetails.find((h) => h.status === "AWAITING_ACTION"));
    const withHook: PauseView = {
      ...view,
      ...(hook?.hookId ? { hookId: hook.hookId } : {}),
      ...(hook?.status ? { hookStatus: hook.status } : {}),
      ...(hook?.timeoutAction ? { timeoutAction: hook.timeoutAction } : {}),
      ...(view.expiresAt || !hook?.expiresAt ? {} : { expiresAt: hook.expiresAt }),
    };
    if (!deployment.targetServiceRevisionArn)
      return { ...withHook, loadProblem: "the service deployment names no target revision" };
    const loaded = await loadTargetRevision(
      { targetServiceRevisionArn: deployment.targetServiceRevisionArn, serviceArn: view.serviceArn },
      ports,
    );
    return {
      ...withHook,
      ...(loaded.deploymentId ? { deploymentId: loaded.deploymentId } : {}),
      ...(loaded.revision.taskDefinition ? { taskDefinition: loaded.revision.taskDefinition } : {}),
      tasks: tasksOf(loaded),
      optedIn:
        pausedActionRefusal(Object.entries(loaded.tags).map(([key, value]) => ({ key, value }))) ===
        undefined,
    };
  } catch (error) {
    if (isTransientError(error)) throw error;
    const problem = errorSummary(error);
    log.warn("paused deployment: could not read the deployment or its tasks", {
      ...serviceLogKeys(view.serviceArn),
      error: problem,
    });
    return { ...view, loadProblem: problem };
  }
}

/** The deployment's thread; when the deployment id is unknown, the service's latest deployment's, else its own. */
function pauseThread(view: PauseView, patch: ThreadMeta["patch"], joinOnly: boolean): ThreadMeta {
  if (view.deploymentId) {
    const key = deploymentThreadKey(view.serviceArn, view.deploymentId);
    return joinOnly ? { key, joinOnly, patch } : { key, patch };
  }
  const own: ThreadMeta = { key: `pause#${view.serviceDeploymentArn}`, patch };
  return {
    key: latestDeploymentKey(view.serviceArn),
    joinOnly: true,
    patch,
    ...(joinOnly ? {} : { fallback: own }),
  };
}

function eventMs(view: PauseView): number {
  const ms = view.time ? Date.parse(view.time) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

export async function handleHookStateChange(
  event: HookStateChangeEvent,
  deps: PauseFlowDeps,
): Promise<DispatchResult> {
  const { eventName } = event.detail;
  const fromEvent = viewOfEvent(event);
  if (!fromEvent) {
    const reason = "the hook event names no service deployment";
    deps.log.warn("dropping hook event", { id: event.id, eventName, problem: reason });
    return { status: "dropped", reason };
  }
  const awaiting = eventName === HOOK_AWAITING_ACTION;
  const view = deps.ports ? await completeView(fromEvent, deps.ports, deps.log) : fromEvent;
  const at = eventMs(view);
  const dedupe = `hook#${view.hookId ?? view.serviceDeploymentArn}#${eventName}`;
  const message = awaiting ? pausedMessage(view) : hookStateMessage(view, eventName);
  const patch = awaiting ? pausedCardPatch(view, at) : hookStateCardPatch(eventName, at);
  const outcomes = await deps.notify(message, {
    dedupeKey: dedupe,
    serviceArn: view.serviceArn,
    occurredAt: at || undefined,
    thread: pauseThread(view, patch, !awaiting),
  });
  const logFields = {
    ...serviceLogKeys(view.serviceArn),
    eventName,
    hookId: view.hookId,
    stage: view.stage,
    expiresAt: view.expiresAt,
    deploymentId: view.deploymentId,
    buttons: patch.actions?.length ?? 0,
  };
  deps.log.info(awaiting ? "deployment paused by a pause hook" : "pause hook state changed", logFields);
  return {
    status: "handled",
    detailType: event["detail-type"],
    summary: `${eventName} ${view.serviceArn.split("/").at(-1) ?? ""}${view.stage ? ` at ${view.stage}` : ""}`,
    outcomes: { message: outcomes },
  };
}
