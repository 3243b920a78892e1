/**
 * Composition of the deployment lifecycle hook (`deploymentHook` Lambda and `ecs-sentinel hook`): the ECS
 * ports, the notifier (Slack thread / email) and the hook's defaults from the environment:
 * - HOOK_FAIL_CLOSED: `true` answers FAILED to a payload the hook does not understand (default false: SUCCEEDED);
 * - HOOK_BAKE_SECONDS: the bake of every stage that waits for tasks (default per stage, see hooks/policy.ts);
 * - HOOK_CALLBACK_SECONDS, HOOK_CRASH_THRESHOLD, HOOK_ELB_UNHEALTHY_THRESHOLD.
 * A bad value is logged as an error and ignored rather than failing the cold start: a hook that cannot start
 * makes ECS roll back every deployment it guards.
 */
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { Context } from "aws-lambda";
import { arnName, parseServiceArn } from "../shared/events/arns.js";
import { type DeploymentHookDeps, deploymentHook } from "../shared/flows/deployment-hook.js";
import { type NumericSetting, SETTING_BOUNDS } from "../shared/hooks/policy.js";
import type { HookDefaults } from "../shared/hooks/settings.js";
import type { HookResponse } from "../shared/hooks/types.js";
import { asNotifier } from "../shared/notify/as-notifier.js";
import type { Notifier } from "../shared/notify/port.js";
import { ecsClient } from "./aws.js";
import { loadConfig } from "./config.js";
import { ecsHookPorts } from "./deployment-hook-ecs.js";
import { buildNotifications } from "./notifications.js";
import { lambdaRuntime, type RuntimeOptions } from "./runtime.js";

/** The handler's metrics recorder: a payload the hook could not read is a dropped event. */
export { recordHookPayload } from "../shared/metrics/hooks.js";

type Env = Record<string, string | undefined>;

const NUMERIC_ENV: [string, NumericSetting][] = [
  ["HOOK_BAKE_SECONDS", "bakeSeconds"],
  ["HOOK_CALLBACK_SECONDS", "callBackDelaySeconds"],
  ["HOOK_CRASH_THRESHOLD", "crashThreshold"],
  ["HOOK_ELB_UNHEALTHY_THRESHOLD", "elbUnhealthyThreshold"],
];

/** The hook's defaults and the variables that were set wrong (named, with what they must be). */
export function hookDefaultsFromEnv(env: Env = process.env): { defaults: HookDefaults; problems: string[] } {
  const defaults: HookDefaults = {};
  const problems: string[] = [];
  const failClosed = env.HOOK_FAIL_CLOSED?.trim().toLowerCase();
  if (failClosed) {
    if (["true", "1", "yes", "on"].includes(failClosed)) defaults.failClosed = true;
    else if (["false", "0", "no", "off"].includes(failClosed)) defaults.failClosed = false;
    else problems.push("HOOK_FAIL_CLOSED must be true or false; using false");
  }
  for (const [name, key] of NUMERIC_ENV) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const n = Number(raw);
    const { min, max } = SETTING_BOUNDS[key];
    if (Number.isInteger(n) && n >= min && n <= max) defaults[key] = n;
    else problems.push(`${name} must be an integer from ${min} to ${max}; using the default`);
  }
  return { defaults, problems };
}

export interface HookWiringOptions {
  runtime: RuntimeOptions;
  ecs?: ECSClient;
  /** undefined: the configured channels; null: tell no one (the CLI's preview). */
  notify?: Notifier | null;
  now?: () => number;
  env?: Env;
}

function configuredNotifier(runtime: RuntimeOptions, env: Env): Notifier | undefined {
  try {
    return asNotifier(buildNotifications(loadConfig(env), runtime));
  } catch (error) {
    runtime.log.error("deployment hook: notifications are off, their configuration is invalid", {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

export function deploymentHookDeps(options: HookWiringOptions): DeploymentHookDeps {
  const env = options.env ?? process.env;
  const { defaults, problems } = hookDefaultsFromEnv(env);
  for (const problem of problems) options.runtime.log.error(`deployment hook: ${problem}`);
  const notify =
    options.notify === null ? undefined : (options.notify ?? configuredNotifier(options.runtime, env));
  return {
    ports: ecsHookPorts(options.ecs ?? ecsClient()),
    log: options.runtime.log,
    ...(notify ? { notify } : {}),
    now: options.now ?? Date.now,
    deadline: options.runtime.deadline,
    defaults,
    ...(options.runtime.metrics ? { metrics: options.runtime.metrics } : {}),
  };
}

/** Names (never the payload) for every log line of an invocation; tolerant of any input. */
export function hookLogKeys(event: unknown): Record<string, string> {
  if (typeof event !== "object" || event === null) return {};
  const e = event as { lifecycleStage?: unknown; executionDetails?: { serviceArn?: unknown } };
  const keys: Record<string, string> = {};
  if (typeof e.lifecycleStage === "string") keys.stage = e.lifecycleStage.slice(0, 64);
  const serviceArn = e.executionDetails?.serviceArn;
  const ref = typeof serviceArn === "string" ? parseServiceArn(serviceArn) : undefined;
  if (ref?.cluster) keys.cluster = arnName(ref.cluster) ?? ref.cluster;
  if (ref) keys.ecsService = ref.service;
  return keys;
}

/** The Lambda: deps built once per container, bound to each invocation's deadline. */
export function lambdaDeploymentHook(): (event: unknown, context: Context) => Promise<HookResponse> {
  const runtime = lambdaRuntime();
  const deps = deploymentHookDeps({ runtime: runtime.options });
  return (event, context) => {
    runtime.bind(context);
    return deploymentHook(event, deps);
  };
}
