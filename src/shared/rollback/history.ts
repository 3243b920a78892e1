/** What the deployment history says about each task definition. Pure. */
import type { ServiceDeploymentRecord, ServiceDeploymentState } from "./types.js";

const GOOD = new Set(["SUCCESSFUL"]);
const BAD = new Set([
  "FAILED",
  "ROLLBACK_REQUESTED",
  "ROLLBACK_IN_PROGRESS",
  "ROLLBACK_SUCCESSFUL",
  "ROLLBACK_FAILED",
]);
export const ROLLBACK_UNDERWAY = new Set(["ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"]);
const RUNNING = new Set(["PENDING", "IN_PROGRESS"]);

function when(record: ServiceDeploymentRecord): number {
  const at = record.finishedAt ?? record.updatedAt ?? record.startedAt ?? record.createdAt;
  return at ? at.getTime() : 0;
}

/** Newest first. */
export function byRecency(history: readonly ServiceDeploymentRecord[]): ServiceDeploymentRecord[] {
  return [...history].sort((a, b) => when(b) - when(a));
}

/**
 * Task definitions whose most recent outcome as a deployment target was a failure or a rollback, plus those of
 * deployments DescribeServices reports as FAILED. A revision that failed once and succeeded later is good.
 */
export function failedTaskDefinitions(
  history: readonly ServiceDeploymentRecord[],
  deployments: readonly ServiceDeploymentState[],
): Set<string> {
  const latest = new Map<string, boolean>();
  for (const record of byRecency(history)) {
    const td = record.targetServiceRevision?.taskDefinition;
    if (!td || latest.has(td)) continue;
    if (GOOD.has(record.status)) latest.set(td, true);
    else if (BAD.has(record.status)) latest.set(td, false);
  }
  const failed = new Set([...latest].filter(([, good]) => !good).map(([td]) => td));
  for (const d of deployments) {
    if (d.rolloutState === "FAILED" && d.taskDefinition && latest.get(d.taskDefinition) !== true) {
      failed.add(d.taskDefinition);
    }
  }
  return failed;
}

/** The newest SUCCESSFUL deployment's task definition that is not excluded. */
export function lastGoodTaskDefinition(
  history: readonly ServiceDeploymentRecord[],
  exclude: ReadonlySet<string>,
): string | undefined {
  for (const record of byRecency(history)) {
    const td = record.targetServiceRevision?.taskDefinition;
    if (GOOD.has(record.status) && td && !exclude.has(td)) return td;
  }
  return undefined;
}

/** The running (PENDING / IN_PROGRESS) service deployment, preferring the one that deploys `taskDefinition`. */
export function runningServiceDeployment(
  history: readonly ServiceDeploymentRecord[],
  taskDefinition: string | undefined,
): ServiceDeploymentRecord | undefined {
  const running = byRecency(history).filter((r) => RUNNING.has(r.status));
  return running.find((r) => r.targetServiceRevision?.taskDefinition === taskDefinition) ?? running[0];
}

/** Every task definition the service is known to have run, from history and DescribeServices. */
export function knownTaskDefinitions(
  history: readonly ServiceDeploymentRecord[],
  deployments: readonly ServiceDeploymentState[],
): Set<string> {
  const all = new Set<string>();
  for (const record of history) {
    if (record.targetServiceRevision?.taskDefinition) all.add(record.targetServiceRevision.taskDefinition);
    for (const source of record.sourceServiceRevisions ?? []) {
      if (source.taskDefinition) all.add(source.taskDefinition);
    }
  }
  for (const d of deployments) if (d.taskDefinition) all.add(d.taskDefinition);
  return all;
}
