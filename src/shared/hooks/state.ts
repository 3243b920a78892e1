/**
 * The hook's own memory between invocations of one stage, carried by ECS in `hookDetails` (no table needed):
 * when it was first called for this revision and stage, and since when every new task has been healthy. Read
 * tolerantly: a state that is missing, foreign or for another stage or revision starts afresh. Pure.
 */
import type { JsonObject } from "./types.js";

/** The one key of `hookDetails` that belongs to ecs-sentinel. */
export const HOOK_STATE_KEY = "ecsSentinel";

export interface HookState {
  /** Format of this record. */
  v: 1;
  stage: string;
  /** The target service revision the state is about. */
  revision: string;
  /** ISO time of the first invocation for this stage. */
  firstCallAt: string;
  /** ISO time since when every task of the revision has been RUNNING and healthy; absent while not. */
  healthySince?: string;
  /** Invocations so far, this one included. */
  calls: number;
}

function isoOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** The state of a previous invocation of the same stage and revision, if `hookDetails` carries one. */
export function readHookState(
  hookDetails: JsonObject,
  stage: string,
  revision: string,
): HookState | undefined {
  const raw = hookDetails[HOOK_STATE_KEY];
  if (typeof raw !== "object" || raw === null) return undefined;
  const s = raw as Record<string, unknown>;
  const firstCallAt = isoOrUndefined(s.firstCallAt);
  if (s.v !== 1 || s.stage !== stage || s.revision !== revision || !firstCallAt) return undefined;
  const healthySince = isoOrUndefined(s.healthySince);
  const calls = typeof s.calls === "number" && Number.isInteger(s.calls) && s.calls > 0 ? s.calls : 1;
  return { v: 1, stage, revision, firstCallAt, ...(healthySince ? { healthySince } : {}), calls };
}

/** `hookDetails` to return: the configured keys unchanged, and our state. */
export function withHookState(hookDetails: JsonObject, state: HookState): JsonObject {
  return { ...hookDetails, [HOOK_STATE_KEY]: { ...state } };
}
