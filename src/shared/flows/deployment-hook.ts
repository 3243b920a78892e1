/**
 * The ECS deployment lifecycle hook (`deploymentHook`): read the payload, load the target service revision and
 * its tasks, judge, log the verdict, and on FAILED say in the deployment's thread why ECS will roll back.
 * It answers something valid to every invocation and never throws:
 * - a payload it cannot read: SUCCEEDED with a warning (FAILED when set to fail closed);
 * - a load that fails transiently, or the Lambda deadline coming: IN_PROGRESS, ECS calls again;
 * - a load that fails for good (AccessDenied, revision not found): like a payload it cannot read, and when that
 *   lets the deployment go on unchecked, people are told and it is counted (hook-unchecked.ts); so is a
 *   transient failure that lasts until ECS's 15-minute limit.
 * Over ports; no AWS SDK here (src/app/deployment-hook-ecs.ts adapts ECS).
 */
import { errorSummary, isTransientError } from "../aws-errors.js";
import { diagnoseTask } from "../diagnosis/index.js";
import type { Diagnosis } from "../diagnosis/types.js";
import { arnName, parseServiceArn } from "../events/arns.js";
import type { EcsTask } from "../events/schemas.js";
import { hookResponse, judgeHook, notUnderstoodVerdict, retryLaterVerdict } from "../hooks/judge.js";
import { hookFailedMessage } from "../hooks/message.js";
import { type HookPayload, parseHookPayload } from "../hooks/payload.js";
import { type HookDefaults, resolveSettings } from "../hooks/settings.js";
import { isStopped } from "../hooks/task-health.js";
import type { HookResponse, HookVerdict } from "../hooks/types.js";

export type { HookResponse } from "../hooks/types.js";

import { hookCardPatch, hookProgressMessage } from "../hooks/card.js";
import type { Log } from "../log.js";
import { serviceLogKeys } from "../log-keys.js";
import type { Metrics } from "../metrics/port.js";
import type { Notifier } from "../notify/port.js";
import { deploymentProblemKey } from "../notify/problems/keys.js";
import { deploymentReply } from "./deployment-thread.js";
import { tellUnchecked } from "./hook-unchecked.js";

/** The target revision as DescribeServiceRevisions describes it (the fields the hook uses). */
export interface HookRevision {
  serviceRevisionArn: string;
  clusterArn?: string;
  serviceArn?: string;
  taskDefinition?: string;
}

/** The service as DescribeServices (include TAGS) describes it. */
export interface HookService {
  tags: Record<string, string>;
  /** `deployments[]`: `id` is the tasks' `startedBy`. */
  deployments: {
    id?: string;
    taskDefinition?: string;
    status?: string;
    desiredCount?: number;
    createdAt?: string;
  }[];
}

export interface DeploymentHookPorts {
  /** undefined: ECS does not know the revision (DescribeServiceRevisions `failures`). */
  loadRevision: (revisionArn: string) => Promise<HookRevision | undefined>;
  loadService: (clusterArn: string, serviceName: string) => Promise<HookService | undefined>;
  /** The service's tasks, desired RUNNING and STOPPED (ListTasks by service, then DescribeTasks). */
  loadServiceTasks: (clusterArn: string, serviceName: string) => Promise<EcsTask[]>;
  /** Whether the task definition has a container health check; undefined when unknown. */
  hasHealthCheck?: (taskDefinitionArn: string) => Promise<boolean | undefined>;
}

export interface DeploymentHookDeps {
  ports: DeploymentHookPorts;
  log: Log;
  /** Omitted by the CLI's preview: it says, it does not tell the thread. */
  notify?: Notifier;
  now: () => number;
  /** Milliseconds left in this invocation. */
  deadline: () => number;
  defaults: HookDefaults;
  /** Counts a deployment let go on unchecked; absent = not counted (the CLI). */
  metrics?: Metrics;
}

/** Time kept back from the Lambda deadline to answer and log. */
export const DEADLINE_RESERVE_MS = 3_000;
/** Callback delay when the tasks could not be read in time. */
export const RETRY_CALLBACK_SECONDS = 10;

class DeadlineError extends Error {
  override readonly name = "DeadlineError";
}

/** Starts `work` only when there is time left, and stops waiting for it when the deadline comes. */
async function withinDeadline<T>(work: () => Promise<T>, deadline: () => number): Promise<T> {
  const ms = deadline() - DEADLINE_RESERVE_MS;
  if (ms <= 0) throw new DeadlineError("the Lambda deadline is near");
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError("the Lambda deadline is near")), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([work(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The target revision, its tasks (this deployment's only), the service's tags and deployment. */
export interface Loaded {
  revision: HookRevision;
  tasks: EcsTask[];
  tags: Record<string, string>;
  deploymentId?: string;
  expectedCount?: number;
  hasHealthCheck?: boolean;
}

/** The service deployment running this revision: the newest one with its task definition. */
function deploymentOf(service: HookService | undefined, taskDefinition: string | undefined) {
  if (!service || !taskDefinition) return undefined;
  const matching = service.deployments.filter((d) => d.taskDefinition === taskDefinition);
  return (
    matching.find((d) => d.status === "PRIMARY") ??
    matching.sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? ""))[0]
  );
}

export class RevisionNotFoundError extends Error {
  override readonly name = "RevisionNotFoundError";
}

/** Reads the target revision and its tasks (also for a pause hook's message: flows/paused-deployment.ts). */
export async function loadTargetRevision(
  payload: Pick<HookPayload, "targetServiceRevisionArn" | "serviceArn">,
  ports: DeploymentHookPorts,
): Promise<Loaded> {
  const revision = await ports.loadRevision(payload.targetServiceRevisionArn);
  if (!revision) throw new RevisionNotFoundError("ECS does not know the target service revision");
  const ref = parseServiceArn(payload.serviceArn);
  const clusterArn = revision.clusterArn ?? ref?.cluster ?? "default";
  const serviceName = ref?.service ?? payload.serviceArn;
  const [service, all, hasHealthCheck] = await Promise.all([
    ports.loadService(clusterArn, serviceName),
    ports.loadServiceTasks(clusterArn, serviceName),
    revision.taskDefinition && ports.hasHealthCheck
      ? ports.hasHealthCheck(revision.taskDefinition).catch(() => undefined)
      : Promise.resolve(undefined),
  ]);
  const deployment = deploymentOf(service, revision.taskDefinition);
  const tasks = all.filter(
    (t) =>
      (!revision.taskDefinition || t.taskDefinitionArn === revision.taskDefinition) &&
      (!deployment?.id || t.startedBy === deployment.id),
  );
  return {
    revision,
    tasks,
    tags: service?.tags ?? {},
    ...(deployment?.id ? { deploymentId: deployment.id } : {}),
    ...(deployment?.desiredCount !== undefined ? { expectedCount: deployment.desiredCount } : {}),
    ...(hasHealthCheck !== undefined ? { hasHealthCheck } : {}),
  };
}

export interface HookRun {
  response: HookResponse;
  verdict: HookVerdict;
  payload?: HookPayload;
  loaded?: Loaded;
  /** Why the new tasks could not be read, when the verdict is the fail-open (or fail-closed) policy's. */
  unchecked?: string;
}

export interface HookRunOptions {
  /** The CLI: with no previous call, take the newest live task's start as the start of the healthy period. */
  estimateHealthySince?: boolean;
}

function newestStart(tasks: EcsTask[]): string | undefined {
  const starts = tasks.filter((t) => !isStopped(t)).map((t) => t.startedAt);
  if (starts.some((s) => !s)) return undefined;
  return (starts as string[]).sort().at(-1);
}

async function judgeLoaded(
  payload: HookPayload,
  deps: DeploymentHookDeps,
  options: HookRunOptions,
): Promise<HookRun> {
  const now = deps.now();
  const stage = payload.lifecycleStage;
  const preliminary = resolveSettings(stage, payload.hookDetails, {}, deps.defaults).settings;
  let loaded: Loaded;
  try {
    loaded = await withinDeadline(() => loadTargetRevision(payload, deps.ports), deps.deadline);
  } catch (error) {
    const transient = error instanceof DeadlineError || isTransientError(error);
    const problem = errorSummary(error);
    const verdict = transient
      ? retryLaterVerdict({
          stage,
          revision: payload.targetServiceRevisionArn,
          hookDetails: payload.hookDetails,
          now,
          callBackDelaySeconds: RETRY_CALLBACK_SECONDS,
          failClosed: preliminary.failClosed,
          problem,
        })
      : notUnderstoodVerdict(`the new tasks could not be read: ${problem}`, preliminary.failClosed);
    const unchecked = verdict.hookStatus === "IN_PROGRESS" ? {} : { unchecked: problem };
    return { response: hookResponse(verdict), verdict, payload, ...unchecked };
  }
  const { settings, warnings } = resolveSettings(stage, payload.hookDetails, loaded.tags, deps.defaults);
  const diagnoses = new Map<string, Diagnosis>();
  for (const task of loaded.tasks.filter(isStopped)) diagnoses.set(task.taskArn, diagnoseTask(task));
  const hint = options.estimateHealthySince ? newestStart(loaded.tasks) : undefined;
  const verdict = judgeHook({
    stage,
    revision: payload.targetServiceRevisionArn,
    tasks: loaded.tasks,
    diagnoses,
    settings,
    hookDetails: payload.hookDetails,
    now,
    warnings,
    ...(loaded.expectedCount !== undefined ? { expectedCount: loaded.expectedCount } : {}),
    ...(loaded.hasHealthCheck !== undefined ? { hasHealthCheck: loaded.hasHealthCheck } : {}),
    ...(hint ? { healthySinceHint: hint } : {}),
  });
  return { response: hookResponse(verdict), verdict, payload, loaded };
}

function logVerdict(run: HookRun, log: Log): void {
  const { verdict, payload, loaded } = run;
  const fields = {
    ...serviceLogKeys(payload?.serviceArn),
    stage: payload?.lifecycleStage,
    serviceRevision: arnName(payload?.targetServiceRevisionArn),
    executionId: payload?.executionId,
    deploymentId: loaded?.deploymentId,
    hookStatus: verdict.hookStatus,
    callBackDelay: verdict.callBackDelay,
    reason: verdict.reason,
    tasks: loaded?.tasks.length,
    culpritTask: arnName(verdict.failure?.taskArn),
    category: verdict.failure?.category,
  };
  for (const warning of verdict.warnings)
    log.warn(`deployment hook: ${warning}`, { ...serviceLogKeys(payload?.serviceArn) });
  if (verdict.hookStatus === "FAILED") log.error("deployment hook: FAILED, ECS rolls back", fields);
  else log.info(`deployment hook: ${verdict.hookStatus}`, fields);
}

async function tellThread(run: HookRun, deps: DeploymentHookDeps): Promise<void> {
  const { verdict, payload, loaded } = run;
  const notify = deps.notify;
  if (verdict.hookStatus !== "FAILED" || !notify || !payload) return;
  const message = hookFailedMessage(
    {
      serviceArn: payload.serviceArn,
      stage: payload.lifecycleStage,
      revision: payload.targetServiceRevisionArn,
      ...(loaded?.revision.taskDefinition ? { taskDefinition: loaded.revision.taskDefinition } : {}),
      productionTrafficWeights: payload.productionTrafficWeights,
      time: new Date(deps.now()).toISOString(),
    },
    verdict,
  );
  const deploymentId = loaded?.deploymentId ?? verdict.failure?.startedBy;
  const { cluster, ecsService } = serviceLogKeys(payload.serviceArn);
  try {
    await withinDeadline(
      () =>
        notify(message, {
          dedupeKey: `hook-failed#${payload.targetServiceRevisionArn}#${payload.lifecycleStage}`,
          throttleKey: `${cluster ?? "-"}#${ecsService ?? "-"}#hook-failed`,
          serviceArn: payload.serviceArn,
          occurredAt: deps.now(),
          ...(verdict.failure ? { taskArn: verdict.failure.taskArn } : {}),
          thread: deploymentReply(payload.serviceArn, deploymentId),
          problem: { key: deploymentProblemKey(payload.serviceArn) },
        }),
      deps.deadline,
    );
  } catch (error) {
    // The answer to ECS matters more than the message: it is still FAILED, and the log says why.
    deps.log.error("deployment hook: the rollback reason could not be sent", {
      ...serviceLogKeys(payload.serviceArn),
      error: errorSummary(error),
    });
  }
}

/**
 * A hook that did not fail shows where the deployment is on its card (stage, traffic, baking or succeeded): an
 * info message, so it edits the card in app mode and goes nowhere else. One per call (the card's fields keep the
 * newest); best effort within the deadline.
 */
async function showOnCard(run: HookRun, deps: DeploymentHookDeps): Promise<void> {
  const { verdict, payload, loaded } = run;
  const notify = deps.notify;
  if (verdict.hookStatus === "FAILED" || !notify || !payload || !loaded?.deploymentId) return;
  const at = deps.now();
  try {
    await withinDeadline(
      () =>
        notify(hookProgressMessage(payload, verdict), {
          dedupeKey: `hook-card#${payload.targetServiceRevisionArn}#${payload.lifecycleStage}#${at}`,
          serviceArn: payload.serviceArn,
          occurredAt: at,
          thread: deploymentReply(
            payload.serviceArn,
            loaded.deploymentId,
            hookCardPatch(payload, verdict, at),
          ),
        }),
      deps.deadline,
    );
  } catch (error) {
    deps.log.warn("deployment hook: could not show the stage on the deployment's card", {
      ...serviceLogKeys(payload.serviceArn),
      error: errorSummary(error),
    });
  }
}

/** One invocation: the answer for ECS, and how it was reached. Never throws. */
export async function runDeploymentHook(
  raw: unknown,
  deps: DeploymentHookDeps,
  options: HookRunOptions = {},
): Promise<HookRun> {
  let run: HookRun;
  try {
    const parsed = parseHookPayload(raw);
    if (!parsed.ok) {
      const verdict = notUnderstoodVerdict(parsed.problem, deps.defaults.failClosed ?? false);
      run = { response: hookResponse(verdict), verdict };
    } else {
      run = await judgeLoaded(parsed.payload, deps, options);
    }
  } catch (error) {
    // A defect of ours must not roll back every deployment: the same policy as a payload not understood.
    const verdict = notUnderstoodVerdict(
      `internal error: ${errorSummary(error)}`,
      deps.defaults.failClosed ?? false,
    );
    run = { response: hookResponse(verdict), verdict };
  }
  try {
    logVerdict(run, deps.log);
    await tellThread(run, deps);
    // FAILED says why in tellThread's message; a deployment let go on unchecked is told here.
    if (run.unchecked && run.payload && run.verdict.hookStatus === "SUCCEEDED")
      await tellUnchecked(run.payload, run.unchecked, deps, (send) => withinDeadline(send, deps.deadline));
    await showOnCard(run, deps);
  } catch {
    // Logging and telling are best effort; the answer stands.
  }
  return run;
}

/** The Lambda's answer. */
export async function deploymentHook(raw: unknown, deps: DeploymentHookDeps): Promise<HookResponse> {
  return (await runDeploymentHook(raw, deps)).response;
}
