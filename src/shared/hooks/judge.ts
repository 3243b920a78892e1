/**
 * The judge of a lifecycle hook invocation: from the new revision's tasks (stopped ones included), their
 * diagnoses, the settings and the state of the previous call, it answers
 * - FAILED as soon as a task stopped for a cause retrying will not fix (policy.ts FATAL_CATEGORIES), or after
 *   `crashThreshold` crash-like stops, or `elbUnhealthyThreshold` load balancer health check stops;
 * - SUCCEEDED once every task of the revision has been RUNNING and healthy for the bake time (at least the
 *   expected count, when known), or at once at stages that come before the revision has tasks;
 * - IN_PROGRESS otherwise, with a callBackDelay and its state in hookDetails;
 * - and, when the next call would come too close to ECS's 15-minute hook limit, decides now: SUCCEEDED if the
 *   tasks are healthy, FAILED with what is wrong otherwise.
 * Pure and total: never throws for any input it is given (the edge validates types).
 */
import { diagnoseTask } from "../diagnosis/index.js";
import type { Diagnosis } from "../diagnosis/types.js";
import type { EcsTask } from "../events/schemas.js";
import {
  HOOK_DECISION_MARGIN_MS,
  HOOK_TIME_LIMIT_MS,
  type HookSettings,
  STAGES_BEFORE_TASKS,
} from "./policy.js";
import { type HookState, readHookState, withHookState } from "./state.js";
import { byStopTime, isRunningHealthy, isStopped, type StoppedTask, stoppedTask } from "./task-health.js";
import type { HookResponse, HookVerdict, JsonObject } from "./types.js";

export interface HookJudgeInput {
  stage: string;
  /** The target service revision ARN. */
  revision: string;
  /** The revision's tasks, DescribeTasks `tasks[]` shape, stopped ones included. */
  tasks: readonly EcsTask[];
  /** Diagnoses of stopped tasks by task ARN; a stopped task without one is diagnosed here. */
  diagnoses?: ReadonlyMap<string, Diagnosis>;
  settings: HookSettings;
  /** The hookDetails ECS passed: the configured keys and the state of the previous call. */
  hookDetails: JsonObject;
  /** Epoch milliseconds. */
  now: number;
  /** Tasks the revision should run, when known (the service deployment's desired count). */
  expectedCount?: number;
  /** Whether the task definition has a container health check, when known. */
  hasHealthCheck?: boolean;
  /** Warnings found before judging (settings); carried into the verdict. */
  warnings?: readonly string[];
  /**
   * Since when the tasks have been healthy, when there is no previous call to say so (the CLI's estimate from the
   * tasks' start times). The Lambda never sets it: its first call starts the bake.
   */
  healthySinceHint?: string;
}

const MIN_CALLBACK_SECONDS = 5;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function stopsOf(input: HookJudgeInput): StoppedTask[] {
  return input.tasks
    .filter(isStopped)
    .map((task) => stoppedTask(task, input.diagnoses?.get(task.taskArn) ?? diagnoseTask(task)))
    .sort(byStopTime);
}

function failureReason(
  stops: StoppedTask[],
  settings: HookSettings,
): { reason: string; failure: Diagnosis } | undefined {
  const fatal = stops.find((s) => s.weight === "fatal");
  if (fatal) {
    return {
      reason: `a task of the new revision stopped for a cause retrying will not fix (${fatal.diagnosis.category}): ${fatal.diagnosis.title}`,
      failure: fatal.diagnosis,
    };
  }
  const elb = stops.filter((s) => s.weight === "elb");
  const lastElb = elb.at(-1);
  if (lastElb && elb.length >= settings.elbUnhealthyThreshold) {
    return {
      reason: `${plural(elb.length, "task")} of the new revision failed the load balancer health checks (threshold ${settings.elbUnhealthyThreshold}): ${lastElb.diagnosis.title}`,
      failure: lastElb.diagnosis,
    };
  }
  const crashes = stops.filter((s) => s.weight === "crash");
  const lastCrash = crashes.at(-1);
  if (lastCrash && crashes.length >= settings.crashThreshold) {
    return {
      reason: `${plural(crashes.length, "task")} of the new revision stopped with a failure (threshold ${settings.crashThreshold}): ${lastCrash.diagnosis.title}`,
      failure: lastCrash.diagnosis,
    };
  }
  return undefined;
}

function seconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000));
}

export function judgeHook(input: HookJudgeInput): HookVerdict {
  const { settings, now } = input;
  const warnings = [...(input.warnings ?? [])];
  const previous = readHookState(input.hookDetails, input.stage, input.revision);
  const state: HookState = {
    v: 1,
    stage: input.stage,
    revision: input.revision,
    firstCallAt: previous?.firstCallAt ?? new Date(now).toISOString(),
    calls: (previous?.calls ?? 0) + 1,
  };
  const stops = stopsOf(input);
  const verdict = (status: "SUCCEEDED" | "FAILED", reason: string, failure?: Diagnosis): HookVerdict => ({
    hookStatus: status,
    hookDetails: withHookState(input.hookDetails, state),
    reason,
    ...(failure ? { failure } : {}),
    warnings,
  });

  const failed = failureReason(stops, settings);
  if (failed) return verdict("FAILED", failed.reason, failed.failure);

  const live = input.tasks.filter((t) => !isStopped(t));
  const healthy = live.filter((t) => isRunningHealthy(t, input.hasHealthCheck));
  const expected = input.expectedCount ?? 0;
  if (live.length === 0 && STAGES_BEFORE_TASKS.has(input.stage)) {
    return verdict("SUCCEEDED", `nothing to judge at ${input.stage}: the new revision has no tasks yet`);
  }
  const allHealthy = live.length > 0 && healthy.length === live.length && healthy.length >= expected;
  const status = `${healthy.length} of ${Math.max(live.length, expected)} new tasks running and healthy`;
  const stopNote = stops.length > 0 ? `; ${plural(stops.length, "stop")} below the thresholds` : "";

  if (allHealthy)
    state.healthySince = previous?.healthySince ?? input.healthySinceHint ?? new Date(now).toISOString();
  const healthyMs = state.healthySince ? now - Date.parse(state.healthySince) : 0;
  const bakeMs = settings.bakeSeconds * 1000;
  if (allHealthy && healthyMs >= bakeMs) {
    return verdict(
      "SUCCEEDED",
      `${status} for ${seconds(healthyMs)} s (bake ${settings.bakeSeconds} s)${stopNote}`,
    );
  }

  const untilBaked = allHealthy ? Math.ceil((bakeMs - healthyMs) / 1000) : Number.POSITIVE_INFINITY;
  const delay = Math.max(MIN_CALLBACK_SECONDS, Math.min(settings.callBackDelaySeconds, untilBaked));
  const decideBy = Date.parse(state.firstCallAt) + HOOK_TIME_LIMIT_MS - HOOK_DECISION_MARGIN_MS;
  if (now + delay * 1000 > decideBy) {
    const limit = "deciding now: the next call would come too close to ECS's 15-minute hook limit";
    if (allHealthy) {
      return verdict(
        "SUCCEEDED",
        `${status} for ${seconds(healthyMs)} s of the ${settings.bakeSeconds} s bake; ${limit}`,
      );
    }
    const lastStop = stops.at(-1);
    return verdict(
      "FAILED",
      `the new tasks were not healthy in time (${status}${stopNote}); ${limit}`,
      lastStop?.diagnosis,
    );
  }

  const waiting = allHealthy
    ? `${status} for ${seconds(healthyMs)} s of the ${settings.bakeSeconds} s bake`
    : `waiting: ${status}${stopNote}`;
  return {
    hookStatus: "IN_PROGRESS",
    callBackDelay: delay,
    hookDetails: withHookState(input.hookDetails, state),
    reason: waiting,
    warnings,
  };
}

/**
 * The tasks could not be read this time (throttling, a 5xx, the Lambda deadline): ask ECS to call again soon,
 * keeping the state. Near the hook's time limit it decides instead: a deployment is never FAILED because AWS
 * throttled the hook, unless the user set it to fail closed.
 */
export function retryLaterVerdict(input: {
  stage: string;
  revision: string;
  hookDetails: JsonObject;
  now: number;
  callBackDelaySeconds: number;
  failClosed: boolean;
  problem: string;
}): HookVerdict {
  const previous = readHookState(input.hookDetails, input.stage, input.revision);
  const state: HookState = {
    ...(previous ?? {
      v: 1,
      stage: input.stage,
      revision: input.revision,
      firstCallAt: new Date(input.now).toISOString(),
    }),
    calls: (previous?.calls ?? 0) + 1,
  };
  const hookDetails = withHookState(input.hookDetails, state);
  const decideBy = Date.parse(state.firstCallAt) + HOOK_TIME_LIMIT_MS - HOOK_DECISION_MARGIN_MS;
  if (input.now + input.callBackDelaySeconds * 1000 > decideBy) {
    const limit = "and ECS's 15-minute hook limit is near";
    return {
      hookStatus: input.failClosed ? "FAILED" : "SUCCEEDED",
      hookDetails,
      reason: input.failClosed
        ? `the new tasks could not be checked (${input.problem}) ${limit}; failing closed as configured`
        : `the new tasks could not be checked (${input.problem}) ${limit}; letting the deployment continue (fail open)`,
      warnings: [input.problem],
    };
  }
  return {
    hookStatus: "IN_PROGRESS",
    callBackDelay: Math.max(MIN_CALLBACK_SECONDS, input.callBackDelaySeconds),
    hookDetails,
    reason: `the new tasks could not be checked this time (${input.problem}); ECS calls again`,
    warnings: [input.problem],
  };
}

/** A payload the hook cannot read: let the deployment go on (with a warning), or stop it when fail-closed. */
export function notUnderstoodVerdict(problem: string, failClosed: boolean): HookVerdict {
  return {
    hookStatus: failClosed ? "FAILED" : "SUCCEEDED",
    hookDetails: {},
    reason: failClosed
      ? `the hook could not judge this deployment (${problem}) and is set to fail closed`
      : `the hook could not judge this deployment (${problem}); letting it continue (fail open)`,
    warnings: [problem],
  };
}

/** Exactly what ECS gets: hookStatus, and callBackDelay and hookDetails only with IN_PROGRESS. */
export function hookResponse(verdict: HookResponse): HookResponse {
  if (verdict.hookStatus !== "IN_PROGRESS") return { hookStatus: verdict.hookStatus };
  const delay = Math.max(1, Math.round(verdict.callBackDelay ?? 30));
  return {
    hookStatus: "IN_PROGRESS",
    callBackDelay: delay,
    ...(verdict.hookDetails ? { hookDetails: verdict.hookDetails } : {}),
  };
}
