/**
 * The crash-loop hook of the task-state flow: a service task started by a deployment (`startedBy`
 * `ecs-svc/...`) that stopped for a failure category is recorded; when N such failures of the same
 * deployment fall within W minutes, the rollback runner decides (the policy also checks "while in progress
 * or within M minutes after completion").
 *
 * It runs before the stopped-task notification and never takes it over. Its own failures must not lose that
 * notification, nor be lost themselves: a check that fails is logged and notified ("crash-loop check failed
 * for `api`: ... — nothing was changed", once per event); then non-transient errors (access denied, a missing
 * service) are swallowed, transient ones (throttling, 5xx) rethrown so Lambda retries the event, which the
 * notification dedupe makes safe. A notification that fails to go out is rethrown as is.
 */

import { errorSummary, isTransientError } from "../aws-errors.js";
import { isDeploymentId } from "../deployments/deployment-id.js";
import { deploymentReply } from "../deployments/thread-key.js";
import type { Diagnosis } from "../diagnosis/types.js";
import { arnName, serviceFromGroup } from "../events/arns.js";
import type { TaskStateChangeEvent } from "../events/parse.js";
import type { Log } from "../log.js";
import { crashLoopLogKeys } from "../log-keys.js";
import type { Notifier } from "../notify/port.js";
import { incidentThreadKey } from "../notify/threads/keys.js";
import type { ThreadMeta } from "../notify/threads/types.js";
import type { CrashLoopKey, CrashLoopStore } from "../rollback/crash-loop-store.js";
import { isRollbackFailure } from "../rollback/failure-categories.js";
import type { RollbackClaimed } from "../rollback/rollback-store.js";
import { failureOf, isDeliveryFailure, reportCheckFailure } from "./decision-failure.js";
import type { RollbackRunner } from "./rollback-runner.js";
import { serviceArnOf, type TaskHook, taskThrottleKey } from "./task-stopped.js";

const MINUTE = 60_000;
/**
 * Once a deployment's crash loop has been decided (rolled back, or not and why), more failures of the same
 * flood change nothing for a while: this container skips them without state or ECS calls, then decides again
 * (a tag or cooldown may have changed).
 */
const DECISION_MEMORY_MS = 5 * MINUTE;

export interface CrashLoopSettings {
  threshold: number;
  windowMinutes: number;
}

export interface CrashLoopDeps {
  /** Keeps another account's or region's crash-loop counts apart (an Organization hub); empty at home. */
  keyPrefix?: string;
  store: CrashLoopStore;
  /** The rollback store's claim check: a deployment already claimed is not decided again. */
  rollbackClaimed: RollbackClaimed;
  rollback: RollbackRunner;
  log: Log;
  /** Tells people when the crash-loop decision could not be made. */
  notify: Notifier;
  settings: CrashLoopSettings;
  /** Used when the event carries no time (never in EventBridge events). */
  clock?: () => Date;
}

export interface CrashLoopSubject {
  key: CrashLoopKey;
  serviceArn: string;
}

/** The deployment whose task failed, or undefined when the stop cannot be part of a crash loop. */
export function crashLoopSubject(
  event: TaskStateChangeEvent,
  diagnosis: Pick<Diagnosis, "category">,
): CrashLoopSubject | undefined {
  const task = event.detail;
  const deploymentId = task.startedBy;
  if (!isDeploymentId(deploymentId)) return undefined;
  if (!isRollbackFailure(diagnosis.category)) return undefined;
  const service = serviceFromGroup(task.group);
  const cluster = arnName(task.clusterArn);
  const serviceArn = serviceArnOf(task);
  if (!service || !cluster || !serviceArn) return undefined;
  return { key: { cluster, service, deploymentId }, serviceArn };
}

function dateOf(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The deployment's thread when it exists, else the thread of the incident whose stops made the crash loop. */
function checkFailureThread(
  subject: CrashLoopSubject,
  diagnosis: Diagnosis,
  keyPrefix: string,
): ThreadMeta | undefined {
  const thread = deploymentReply(subject.serviceArn, subject.key.deploymentId);
  if (!thread) return undefined;
  return {
    ...thread,
    fallback: { key: incidentThreadKey(`${keyPrefix}${taskThrottleKey(diagnosis)}`), joinOnly: true },
  };
}

export function crashLoopHook(deps: CrashLoopDeps): TaskHook {
  const clock = deps.clock ?? (() => new Date());
  const { log, settings } = deps;
  const decidedUntil = new Map<string, number>();
  const remember = (deploymentId: string) => {
    const now = Date.now();
    for (const [id, until] of decidedUntil) if (until <= now) decidedUntil.delete(id);
    decidedUntil.set(deploymentId, now + DECISION_MEMORY_MS);
  };

  async function count(event: TaskStateChangeEvent, diagnosis: Diagnosis, subject: CrashLoopSubject) {
    const task = event.detail;
    const now = dateOf(event.time) ?? clock();
    const stoppedAt = dateOf(task.stoppedAt) ?? now;
    const { key, serviceArn } = subject;
    await deps.store.recordFailure(key, {
      taskArn: task.taskArn,
      stoppedAt,
      category: diagnosis.category,
      taskDefinitionArn: task.taskDefinitionArn,
    });
    const since = new Date(now.getTime() - settings.windowMinutes * MINUTE);
    const failures = await deps.store.failuresSince(key, since);
    const distinct = new Set(failures.map((f) => f.taskArn)).size;
    log.info("crash-loop count", {
      ...crashLoopLogKeys(key),
      failures: distinct,
      threshold: settings.threshold,
    });
    if (distinct < settings.threshold) return;
    if (await deps.rollbackClaimed(key.deploymentId)) {
      log.info("rollback of this deployment already started; not deciding again", crashLoopLogKeys(key));
      remember(key.deploymentId);
      return;
    }
    try {
      await deps.rollback({
        trigger: { kind: "crash-loop", deploymentId: key.deploymentId, failures },
        serviceArn,
        now,
        account: event.account,
        region: event.region,
        time: event.time,
      });
    } catch (error) {
      // A transient failure is retried by Lambda and must decide again; any other will not heal per stop.
      if (!isTransientError(error)) remember(key.deploymentId);
      throw error;
    }
    remember(key.deploymentId);
  }

  return async (event, diagnosis) => {
    // Cheap for everything else: no state or AWS call for expected stops or tasks no deployment started.
    const found = crashLoopSubject(event, diagnosis);
    const subject =
      found && deps.keyPrefix
        ? { ...found, key: { ...found.key, cluster: `${deps.keyPrefix}${found.key.cluster}` } }
        : found;
    if (!subject) return undefined;
    if ((decidedUntil.get(subject.key.deploymentId) ?? 0) > Date.now()) return undefined;
    try {
      await count(event, diagnosis, subject);
    } catch (error) {
      if (isDeliveryFailure(error)) throw error;
      const cause = failureOf(error);
      const report = reportCheckFailure(
        deps,
        {
          check: "crash-loop check",
          trigger: "crash-loop",
          serviceArn: subject.serviceArn,
          deploymentId: subject.key.deploymentId,
          account: event.account,
          region: event.region,
          time: event.time,
          ...cause,
        },
        event.id,
        checkFailureThread(subject, diagnosis, deps.keyPrefix ?? ""),
      );
      // A transient failure is retried with the event, and so is its report: the original error decides.
      if (cause.transient) {
        await report.catch((reportError: unknown) => {
          log.warn("could not report the crash-loop check failure; the retry reports it", {
            error: errorSummary(reportError),
          });
        });
        throw error;
      }
      await report;
    }
    return undefined;
  };
}
