/**
 * The settings of one invocation: per-stage defaults, then the deployment's environment (HOOK_*), then the
 * service tag `ecs-sentinel:hook-bake-seconds`, then the hook's own `hookDetails` (most specific wins). A value
 * that is not a number in bounds, or a key the hook does not know, is named in a warning and ignored: a typo must
 * be loud, but it must not roll back a deployment. Pure.
 */
import { editDistance } from "../edit-distance.js";
import {
  BAKE_TAG,
  DEFAULT_BAKE_SECONDS,
  DEFAULT_CALLBACK_SECONDS,
  DEFAULT_CRASH_THRESHOLD,
  DEFAULT_ELB_UNHEALTHY_THRESHOLD,
  type HookSettings,
  type NumericSetting,
  SETTING_BOUNDS,
  STAGE_BAKE_SECONDS,
} from "./policy.js";
import { HOOK_STATE_KEY } from "./state.js";
import type { JsonObject } from "./types.js";

/** Defaults a deployment of ecs-sentinel may change (environment of the function). */
export interface HookDefaults {
  bakeSeconds?: number;
  callBackDelaySeconds?: number;
  crashThreshold?: number;
  elbUnhealthyThreshold?: number;
  failClosed?: boolean;
}

const NUMERIC_KEYS = Object.keys(SETTING_BOUNDS) as NumericSetting[];
const KNOWN_KEYS = [...NUMERIC_KEYS, "failClosed", HOOK_STATE_KEY];

function inBounds(key: NumericSetting, value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) return undefined;
  const { min, max } = SETTING_BOUNDS[key];
  return n >= min && n <= max ? n : undefined;
}

function bounds(key: NumericSetting): string {
  const { min, max } = SETTING_BOUNDS[key];
  return `an integer from ${min} to ${max}`;
}

function nearest(key: string): string {
  const best = KNOWN_KEYS.map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) })).sort(
    (a, b) => a.d - b.d,
  )[0];
  return best && best.d <= 3 ? ` (did you mean "${best.k}"?)` : "";
}

/** `bakeSeconds` is a number, or an object of numbers by stage: `{"POST_TEST_TRAFFIC_SHIFT": 300}`. */
function bakeFromDetails(value: unknown, stage: string, warnings: string[]): number | undefined {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const byStage = value as Record<string, unknown>;
    if (!Object.hasOwn(byStage, stage)) return undefined;
    const n = inBounds("bakeSeconds", byStage[stage]);
    if (n === undefined)
      warnings.push(`hookDetails.bakeSeconds.${stage} must be ${bounds("bakeSeconds")}; ignored`);
    return n;
  }
  const n = inBounds("bakeSeconds", value);
  if (n === undefined) warnings.push(`hookDetails.bakeSeconds must be ${bounds("bakeSeconds")}; ignored`);
  return n;
}

export function resolveSettings(
  stage: string,
  hookDetails: JsonObject,
  tags: Readonly<Record<string, string>>,
  defaults: HookDefaults,
): { settings: HookSettings; warnings: string[] } {
  const warnings: string[] = [];
  const settings: HookSettings = {
    bakeSeconds: STAGE_BAKE_SECONDS[stage] ?? defaults.bakeSeconds ?? DEFAULT_BAKE_SECONDS,
    callBackDelaySeconds: defaults.callBackDelaySeconds ?? DEFAULT_CALLBACK_SECONDS,
    crashThreshold: defaults.crashThreshold ?? DEFAULT_CRASH_THRESHOLD,
    elbUnhealthyThreshold: defaults.elbUnhealthyThreshold ?? DEFAULT_ELB_UNHEALTHY_THRESHOLD,
    failClosed: defaults.failClosed ?? false,
  };
  // An explicit default for the deployment applies to every stage that waits for tasks.
  if (defaults.bakeSeconds !== undefined && settings.bakeSeconds > 0)
    settings.bakeSeconds = defaults.bakeSeconds;
  const tag = tags[BAKE_TAG];
  if (tag !== undefined) {
    const n = inBounds("bakeSeconds", tag);
    if (n === undefined)
      warnings.push(`service tag ${BAKE_TAG}="${tag}" must be ${bounds("bakeSeconds")}; ignored`);
    else settings.bakeSeconds = n;
  }
  for (const [key, value] of Object.entries(hookDetails)) {
    if (key === HOOK_STATE_KEY) continue;
    if (key === "bakeSeconds") {
      const n = bakeFromDetails(value, stage, warnings);
      if (n !== undefined) settings.bakeSeconds = n;
    } else if (key === "failClosed") {
      if (typeof value === "boolean") settings.failClosed = value;
      else warnings.push("hookDetails.failClosed must be true or false; ignored");
    } else if ((NUMERIC_KEYS as string[]).includes(key)) {
      const setting = key as NumericSetting;
      const n = inBounds(setting, value);
      if (n === undefined) warnings.push(`hookDetails.${key} must be ${bounds(setting)}; ignored`);
      else settings[setting as Exclude<NumericSetting, "bakeSeconds">] = n;
    } else {
      warnings.push(`hookDetails.${key} is not a setting of ecs-sentinel's hook${nearest(key)}; ignored`);
    }
  }
  return { settings, warnings };
}
