/** Human-readable evidence lines: what in the event supports the verdict. Never includes environment values. */
import { exitCodeMeaning } from "./exit-codes.js";
import type { ContainerFacts, TaskFacts } from "./facts.js";
import { quote } from "./text.js";

const MAX_CONTAINERS = 10;

function containerLine(c: ContainerFacts, showEssential: boolean, routineStop: boolean): string {
  const parts: string[] = [];
  if (c.exitCode !== undefined)
    parts.push(`exit code ${c.exitCode} (${exitCodeMeaning(c.exitCode, routineStop).meaning})`);
  if (c.reason) parts.push(`reason ${quote(c.reason)}`);
  const health = c.container.healthStatus?.toUpperCase();
  if (health === "UNHEALTHY") parts.push("health UNHEALTHY");
  const status = c.container.lastStatus?.toUpperCase();
  if (status && status !== "STOPPED") parts.push(`lastStatus ${status}`);
  if (parts.length === 0) parts.push("no exit code or reason");
  const label = showEssential && c.essential ? `${c.name} (essential)` : c.name;
  return `container ${label}: ${parts.join(", ")}`;
}

export function memoryLimit(
  facts: TaskFacts,
  culprit: ContainerFacts | undefined,
): { mib: number; source: string } | undefined {
  if (!culprit) return undefined;
  const limits = facts.context.containerMemoryLimits;
  // Only an own key: a container named "__proto__" or "constructor" must not read the prototype.
  const fromContext = limits && Object.hasOwn(limits, culprit.name) ? limits[culprit.name] : undefined;
  if (typeof fromContext === "number") return { mib: fromContext, source: "task definition" };
  const fromEvent = culprit.container.memory === undefined ? Number.NaN : Number(culprit.container.memory);
  if (Number.isFinite(fromEvent) && fromEvent > 0) return { mib: fromEvent, source: "container" };
  return undefined;
}

export function buildEvidence(
  facts: TaskFacts,
  culprit: ContainerFacts | undefined,
  options: { memory: boolean },
): string[] {
  const lines: string[] = [];
  if (facts.stoppedReason) lines.push(`stoppedReason: ${quote(facts.stoppedReason)}`);
  lines.push(facts.stopCode ? `stopCode: ${facts.stopCode}` : "stopCode: missing from the event");
  if (facts.interruptionNotice) {
    lines.push(
      `lastStatus ${facts.task.lastStatus ?? "?"} with desiredStatus ${facts.task.desiredStatus ?? "?"}: the task is about to be stopped`,
    );
  }
  const showEssential =
    facts.context.essentialContainers !== undefined || facts.containers.some((c) => c.container.essential);
  for (const c of facts.containers.slice(0, MAX_CONTAINERS)) {
    lines.push(containerLine(c, showEssential, facts.routineStop));
  }
  if (facts.containers.length > MAX_CONTAINERS) {
    lines.push(`${facts.containers.length - MAX_CONTAINERS} more containers not shown`);
  }
  if (options.memory) {
    const limit = memoryLimit(facts, culprit);
    if (limit) lines.push(`memory limit ${limit.mib} MiB (${limit.source})`);
    if (facts.task.memory) lines.push(`task memory ${facts.task.memory} MiB`);
  }
  if (facts.task.capacityProviderName) lines.push(`capacity provider: ${facts.task.capacityProviderName}`);
  return lines;
}
