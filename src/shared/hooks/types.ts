/**
 * ECS deployment lifecycle hooks: what ECS sends a Lambda hook and what the hook answers.
 *
 * Sources (read 2026): the ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html) and "Lambda hooks
 * for Amazon ECS service deployments" (.../developerguide/lambda-lifecycle-hooks.html); the API reference of
 * DeploymentLifecycleHook (.../APIReference/API_DeploymentLifecycleHook.html).
 * - The answer is a JSON object with `hookStatus` SUCCEEDED | FAILED | IN_PROGRESS; an invalid answer or a failed
 *   function rolls the deployment back. IN_PROGRESS may carry `callBackDelay` (seconds, default 30) and
 *   `hookDetails`, which ECS passes back on the next invocation.
 * - The docs do not say whether fields other than these three are accepted: the answer carries only them.
 * - The docs do not say whether `hookDetails` returned with IN_PROGRESS is merged with or replaces the
 *   `hookDetails` configured on the service: we return the configured keys unchanged plus our own state under
 *   one key (HOOK_STATE_KEY), so either reading keeps the user's settings.
 * Pure: no AWS SDK values.
 */
import type { Diagnosis } from "../diagnosis/types.js";

export const HOOK_STATUSES = ["SUCCEEDED", "FAILED", "IN_PROGRESS"] as const;
export type HookStatus = (typeof HOOK_STATUSES)[number];

/** Stages named by the API reference (DeploymentLifecycleHook.lifecycleStages); others are tolerated. */
export const LIFECYCLE_STAGES = [
  "RECONCILE_SERVICE",
  "PRE_SCALE_UP",
  "POST_SCALE_UP",
  "TEST_TRAFFIC_SHIFT",
  "POST_TEST_TRAFFIC_SHIFT",
  "PRE_PRODUCTION_TRAFFIC_SHIFT",
  "PRODUCTION_TRAFFIC_SHIFT",
  "POST_PRODUCTION_TRAFFIC_SHIFT",
] as const;
export type KnownLifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** A JSON object as ECS passes it around (hookDetails). */
export type JsonObject = Record<string, unknown>;

/** Exactly what the Lambda returns to ECS. */
export interface HookResponse {
  hookStatus: HookStatus;
  /** Seconds until ECS calls again; only with IN_PROGRESS. */
  callBackDelay?: number;
  /** Passed back on the next invocation; only with IN_PROGRESS. */
  hookDetails?: JsonObject;
}

/** The judge's verdict: the response plus why (for logs, the thread and the CLI). */
export interface HookVerdict extends HookResponse {
  hookDetails: JsonObject;
  /** One plain sentence: why this answer. */
  reason: string;
  /** The task whose stop decided a FAILED verdict, diagnosed. */
  failure?: Diagnosis;
  /** Things a person should know that did not decide the answer (bad settings, payload not understood). */
  warnings: string[];
}
