/**
 * What to do when RunTask does not start the task: retry with backoff, fall back from the capacity strategy
 * (e.g. FARGATE_SPOT) to the fallback provider (e.g. FARGATE), or give up. Pure.
 */
import type { CapacityProviderItem, JobSpec, LaunchType } from "./types.js";

/**
 * capacity: ECS had no room now (Fargate "Capacity is unavailable at this time", RESOURCE:* on EC2) — retry,
 * then fall back. transient: throttling or a service-side error — retry the same capacity. permanent: the
 * request itself is wrong (MISSING, ATTRIBUTE, invalid parameters, access denied) — retrying cannot help.
 */
export type StartFailureKind = "capacity" | "transient" | "permanent";

const CAPACITY = [
  /capacity is unavailable/i,
  /insufficient capacity/i,
  /^RESOURCE:/i,
  /no container instances/i,
  /no capacity/i,
  /unable to place/i,
];
const TRANSIENT = [
  /^AGENT$/i,
  /throttl/i,
  /rate exceeded/i,
  /too many requests/i,
  /ServerException/i,
  /ServiceUnavailable/i,
  /internal (server )?error/i,
  /timed? ?out/i,
  /ECONNRESET|socket hang up/i,
];

export function classifyStartFailure(reason: string): StartFailureKind {
  if (CAPACITY.some((pattern) => pattern.test(reason))) return "capacity";
  if (TRANSIENT.some((pattern) => pattern.test(reason))) return "transient";
  return "permanent";
}

/** The capacity part of a RunTask request: a launch type, a strategy, or neither (cluster default). */
export interface CapacityChoice {
  /** "primary" is what the job asks for; "fallback" is its capacity.fallback provider. */
  stage: "primary" | "fallback";
  launchType?: LaunchType;
  capacityProviderStrategy?: CapacityProviderItem[];
  /** For people: "FARGATE_SPOT", "launch type EC2", "cluster default". */
  label: string;
}

export function primaryCapacity(job: JobSpec): CapacityChoice {
  const spec = job.capacity;
  if (spec?.kind === "launch-type") {
    return { stage: "primary", launchType: spec.launchType, label: `launch type ${spec.launchType}` };
  }
  if (spec?.kind === "capacity-providers") {
    return {
      stage: "primary",
      capacityProviderStrategy: spec.strategy,
      label: spec.strategy.map((item) => item.capacityProvider).join("+"),
    };
  }
  return { stage: "primary", label: "cluster default capacity" };
}

export function fallbackCapacity(job: JobSpec): CapacityChoice | undefined {
  const spec = job.capacity;
  if (spec?.kind !== "capacity-providers" || !spec.fallback) return undefined;
  return {
    stage: "fallback",
    capacityProviderStrategy: [{ capacityProvider: spec.fallback, weight: 1 }],
    label: spec.fallback,
  };
}

export interface StartAttempt {
  capacity: CapacityChoice;
  /** Why it did not start; undefined when it started. */
  failure?: { kind: StartFailureKind; reason: string };
}

export interface NextAttempt {
  capacity: CapacityChoice;
  /** Wait this long before calling RunTask. */
  delayMs: number;
}

const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 8_000;

/** 1 s, 2 s, 4 s, 8 s, 8 s... before the n-th retry (n from 1) on the same capacity. */
export function backoffMs(retry: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, retry - 1));
}

/**
 * The next RunTask attempt after `attempts`, or undefined to give up. Each capacity stage gets one try plus
 * `startRetries` retries; when the primary stage ran out of capacity, the fallback stage starts at once.
 */
export function nextStartAttempt(job: JobSpec, attempts: readonly StartAttempt[]): NextAttempt | undefined {
  const last = attempts.at(-1);
  if (!last) return { capacity: primaryCapacity(job), delayMs: 0 };
  if (!last.failure || last.failure.kind === "permanent") return undefined;
  const stageTries = attempts.filter((attempt) => attempt.capacity.stage === last.capacity.stage).length;
  if (stageTries <= job.startRetries) return { capacity: last.capacity, delayMs: backoffMs(stageTries) };
  const fallback = fallbackCapacity(job);
  if (last.capacity.stage === "primary" && last.failure.kind === "capacity" && fallback) {
    return { capacity: fallback, delayMs: 0 };
  }
  return undefined;
}
