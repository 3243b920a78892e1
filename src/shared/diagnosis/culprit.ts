/**
 * Which container caused the stop. Preference, essential containers first:
 * a failure reason > a non-zero exit other than 137/143 > named in stoppedReason > exit 0 > 137 > 143 > anything.
 * 143 and 137 come last because sidecars receive SIGTERM (then SIGKILL) after an essential container dies.
 */
import type { ContainerFacts } from "./facts.js";
import { mentionsName } from "./text.js";

function rank(c: ContainerFacts, stoppedReason: string | undefined): number {
  let score: number;
  if (c.reason) score = 0;
  else if (c.exitCode !== undefined && c.exitCode !== 0 && c.exitCode !== 137 && c.exitCode !== 143)
    score = 1;
  else if (stoppedReason && mentionsName(stoppedReason, c.name)) score = 2;
  else if (c.exitCode === 0) score = 3;
  else if (c.exitCode === 137) score = 4;
  else if (c.exitCode === 143) score = 5;
  else score = 6;
  return c.essential ? score : score + 10;
}

export function pickCulprit(
  containers: readonly ContainerFacts[],
  stoppedReason?: string,
): ContainerFacts | undefined {
  let best: ContainerFacts | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const c of containers) {
    const r = rank(c, stoppedReason);
    if (r < bestRank) {
      best = c;
      bestRank = r;
    }
  }
  return best;
}

/** The essential container whose own health check failed, for container-health-check stops. */
export function pickUnhealthy(containers: readonly ContainerFacts[]): ContainerFacts | undefined {
  let fallback: ContainerFacts | undefined;
  for (const c of containers) {
    if (c.container.healthStatus?.toUpperCase() !== "UNHEALTHY") continue;
    if (c.essential) return c;
    fallback ??= c;
  }
  return fallback;
}

/** Containers in the order their reasons are read: essential ones first, each group in culprit order. */
export function reasonOrder(containers: readonly ContainerFacts[]): ContainerFacts[] {
  return containers
    .filter((c) => c.reason !== undefined)
    .sort((a, b) => Number(b.essential) - Number(a.essential));
}
