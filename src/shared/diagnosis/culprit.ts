/**
 * Which container caused the stop. Preference, essential containers first:
 * a failure reason > a non-zero exit other than 137/143 > named in stoppedReason > exit 0 > 137 > 143 > anything.
 * 143 and 137 come last because sidecars receive SIGTERM (then SIGKILL) after an essential container dies; a Windows
 * container's 3221225786 (its shutdown event) counts as 143.
 */
import type { ContainerFacts } from "./facts.js";
import { unsignedWindowsCode, WINDOWS_STOP_EXIT } from "./rules/windows.js";
import { mentionsName } from "./text.js";

/** The exits ECS itself causes when it stops a task: SIGKILL, SIGTERM, and the Windows shutdown event. */
function stopExit(code: number): boolean {
  return code === 137 || code === 143 || unsignedWindowsCode(code) === WINDOWS_STOP_EXIT;
}

function rank(c: ContainerFacts, stoppedReason: string | undefined): number {
  let score: number;
  if (c.reason) score = 0;
  else if (c.exitCode !== undefined && c.exitCode !== 0 && !stopExit(c.exitCode)) score = 1;
  else if (stoppedReason && mentionsName(stoppedReason, c.name)) score = 2;
  else if (c.exitCode === 0) score = 3;
  else if (c.exitCode === 137) score = 4;
  else if (c.exitCode !== undefined && stopExit(c.exitCode)) score = 5;
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

/** Names and images of well-known sidecars, for events that do not say which containers are essential. */
const SIDECAR =
  /fluent-?bit|firelens|log[_-]?router|envoy|datadog|dd-agent|x-?ray|otel|opentelemetry|cloudwatch-agent|newrelic|splunk|sidecar|appmesh|istio|linkerd|vault-agent/i;

function looksLikeSidecar(c: ContainerFacts): boolean {
  return SIDECAR.test(c.name) || SIDECAR.test(c.container.image ?? "");
}

/** Exits that say a container failed on its own: not 0, and not the SIGTERM/SIGKILL ECS sends when the task stops. */
function failedOnItsOwn(c: ContainerFacts): boolean {
  return c.exitCode !== undefined && c.exitCode !== 0 && !stopExit(c.exitCode);
}

/**
 * The essential container finished (exit 0) and a sidecar exited non-zero when ECS stopped it afterwards: the work
 * completed and the sidecar's exit is a warning, not the cause. Without essential flags, the sidecar is recognised by
 * its name or image and the finished container must not look like one.
 */
export function finishedWithFailedSidecar(
  containers: readonly ContainerFacts[],
): { finished: ContainerFacts; sidecar: ContainerFacts } | undefined {
  const flagged = containers.some((c) => !c.essential);
  const isSidecar = (c: ContainerFacts) => (flagged ? !c.essential : looksLikeSidecar(c));
  const mains = containers.filter((c) => !isSidecar(c));
  // Other containers may have been stopped by ECS (137/143) after the essential one finished.
  if (mains.some((c) => c.reason || c.exitCode === undefined || failedOnItsOwn(c))) return undefined;
  const finished = mains.find((c) => c.exitCode === 0);
  const sidecar = containers.find((c) => isSidecar(c) && failedOnItsOwn(c));
  return sidecar && finished ? { finished, sidecar } : undefined;
}
