/**
 * The hook's rules as data: which stop causes fail a deployment at once, which only after N stops, the bake time
 * per stage, and the settings a service may override. Pure.
 */
import type { Category } from "../diagnosis/types.js";

/**
 * Causes that retrying will not fix: the new revision is wrong and ECS should roll back at the first stop.
 * `log-driver` (missing log group), `storage` (volume mount) and `start-failure` (exec format, missing entry
 * point) belong to the revision as much as an image that does not exist.
 */
export const FATAL_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  "image-pull",
  "secrets",
  "iam",
  "out-of-memory",
  "log-driver",
  "storage",
  "start-failure",
]);

/** Sub-causes of a fatal category that pass with time: counted like a crash instead. */
export const RETRYABLE_SUB_CAUSES: ReadonlySet<string> = new Set(["registry-rate-limited"]);

/** The load balancer's verdict: fails after `elbUnhealthyThreshold` stops. */
export const ELB_CATEGORIES: ReadonlySet<Category> = new Set<Category>(["elb-health-check"]);

/**
 * Stops that are not the revision's fault: the scheduler or a person stopped the task, capacity was reclaimed or
 * missing, the host failed. They never count (same reading as the crash-loop rule, rollback/failure-categories).
 */
export const IGNORED_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  "scaling",
  "user-stopped",
  "spot-interruption",
  "platform",
  "placement",
]);

/** Everything else (app-exit, a service task that `completed`, container health check, network, unknown...)
 * is a crash: `crashThreshold` of them fail the deployment. */
export type StopWeight = "fatal" | "elb" | "crash" | "ignored";

export function stopWeight(category: Category, subCause: string): StopWeight {
  if (IGNORED_CATEGORIES.has(category)) return "ignored";
  if (FATAL_CATEGORIES.has(category) && !RETRYABLE_SUB_CAUSES.has(subCause)) return "fatal";
  if (ELB_CATEGORIES.has(category)) return "elb";
  return "crash";
}

/**
 * Bake time per stage, seconds. Before scale-up there is nothing of the new revision to watch; after it, the
 * tasks must stay healthy a while; after the production shift, longest (real traffic). A stage not listed
 * (a newer one) gets DEFAULT_BAKE_SECONDS.
 */
export const STAGE_BAKE_SECONDS: Readonly<Record<string, number>> = {
  RECONCILE_SERVICE: 0,
  PRE_SCALE_UP: 0,
  POST_SCALE_UP: 60,
  TEST_TRAFFIC_SHIFT: 30,
  POST_TEST_TRAFFIC_SHIFT: 120,
  PRE_PRODUCTION_TRAFFIC_SHIFT: 0,
  PRODUCTION_TRAFFIC_SHIFT: 60,
  POST_PRODUCTION_TRAFFIC_SHIFT: 300,
};
export const DEFAULT_BAKE_SECONDS = 60;

/** Stages at which the new revision has no tasks yet: nothing to wait for. */
export const STAGES_BEFORE_TASKS: ReadonlySet<string> = new Set(["RECONCILE_SERVICE", "PRE_SCALE_UP"]);

/**
 * ECS's limit for one hook (the Developer Guide: a hook validates "within 15 minutes"; what ECS does past it is
 * not documented). The hook decides itself, with a margin, rather than let ECS time it out.
 */
export const HOOK_TIME_LIMIT_MS = 15 * 60_000;
export const HOOK_DECISION_MARGIN_MS = 90_000;

/** The hook's settings for one invocation. */
export interface HookSettings {
  bakeSeconds: number;
  callBackDelaySeconds: number;
  /** Crash-like stops of the new revision that fail it. */
  crashThreshold: number;
  /** Stops for failed load balancer health checks that fail it. */
  elbUnhealthyThreshold: number;
  /** A payload the hook does not understand: FAILED instead of SUCCEEDED. */
  failClosed: boolean;
}

export const DEFAULT_CALLBACK_SECONDS = 30;
export const DEFAULT_CRASH_THRESHOLD = 3;
export const DEFAULT_ELB_UNHEALTHY_THRESHOLD = 2;

/** Bounds of each number a user may set (the bake must fit in the hook's time limit). */
export const SETTING_BOUNDS = {
  bakeSeconds: { min: 0, max: 780 },
  callBackDelaySeconds: { min: 5, max: 300 },
  crashThreshold: { min: 1, max: 50 },
  elbUnhealthyThreshold: { min: 1, max: 50 },
} as const;

export type NumericSetting = keyof typeof SETTING_BOUNDS;

/** The service tag that sets the bake time. */
export const BAKE_TAG = "ecs-sentinel:hook-bake-seconds";
