/** Turns a stopped-task Diagnosis into the channel-independent Message. Pure. */
import type { Category, Diagnosis, EvidenceSource } from "../diagnosis/types.js";
import { arnName, parseTaskDefinitionArn } from "../events/arns.js";
import { type ConsoleScope, ecsServiceUrl, ecsTaskLogsUrl, ecsTaskUrl, parseArn } from "./console-links.js";
import type { ChangesSection, Fact, Link, LogTailSection, Message } from "./message.js";

/** What the caller knows besides the diagnosis: the event envelope's account, region and time, and context. */
export interface DiagnosisEnv {
  account?: string;
  region?: string;
  time?: string;
  /** How often this has happened lately, e.g. "3rd out-of-memory stop of `api` in 24 h, first at 08:12 UTC". */
  history?: string;
  /** The culprit container's last log lines, or why they are missing. */
  logTail?: LogTailSection;
  /** What changed since the service's last successful revision. */
  changes?: ChangesSection;
}

/** Stops of the whole task: naming a container would mislead even when the diagnosis names one. */
const TASK_LEVEL: ReadonlySet<Category> = new Set([
  "spot-interruption",
  "scaling",
  "user-stopped",
  "placement",
  "platform",
]);

/** What happened, as a predicate for "container NAME" or "task". */
const PREDICATES: Readonly<Record<Category, (d: Diagnosis) => string>> = {
  "out-of-memory": () => "ran out of memory",
  "image-pull": () => "could not pull its image",
  secrets: () => "could not retrieve its secrets",
  iam: () => "was denied an IAM permission",
  network: () => "could not reach a network endpoint it needs",
  storage: () => "could not mount a volume",
  "log-driver": () => "could not set up its logging",
  "resource-limits": () => "ran out of host resources",
  "elb-health-check": () => "failed the load balancer health checks",
  "container-health-check": () => "failed its health check",
  "app-exit": (d) =>
    d.culprit?.exitCode === undefined ? "exited with an error" : `exited with code ${d.culprit.exitCode}`,
  completed: (d) => (d.service ? "exited 0 and left the service" : "completed"),
  "spot-interruption": (d) =>
    d.interruptionNotice ? "is being interrupted by Spot" : "was stopped by a Spot interruption",
  scaling: () => "was stopped by the service scheduler",
  "user-stopped": () => "was stopped by a user or an API call",
  placement: () => "could not be placed",
  platform: () => "stopped after a host or platform failure",
  "start-failure": () => "failed to start",
  unknown: () => "stopped for a reason not recognised",
};

function headline(d: Diagnosis): string {
  const actor = d.culprit && !TASK_LEVEL.has(d.category) ? `container ${d.culprit.name}` : "task";
  return `${actor} ${PREDICATES[d.category](d)}`;
}

function clusterName(d: Diagnosis): string | undefined {
  if (d.clusterArn) return arnName(d.clusterArn);
  // New-format task ARNs carry the cluster: task/CLUSTER/ID.
  const parts = parseArn(d.taskArn)?.resource.split("/") ?? [];
  return parts.length === 3 ? parts[1] : undefined;
}

function familyOf(d: Diagnosis): string | undefined {
  return d.family ?? parseTaskDefinitionArn(d.taskDefinitionArn)?.family;
}

function taskDefinition(d: Diagnosis): string | undefined {
  const family = familyOf(d);
  const revision = d.revision ?? parseTaskDefinitionArn(d.taskDefinitionArn)?.revision;
  if (!family) return undefined;
  return revision === undefined ? family : `${family}:${revision}`;
}

function exitCodes(d: Diagnosis): Fact | undefined {
  const entries = Object.entries(d.exitCodes ?? {});
  // Own keys only: a culprit named "constructor" is not already listed just because objects have one.
  if (d.culprit?.exitCode !== undefined && !Object.hasOwn(d.exitCodes ?? {}, d.culprit.name))
    entries.push([d.culprit.name, d.culprit.exitCode]);
  if (entries.length === 0) return undefined;
  return {
    label: entries.length === 1 ? "Exit code" : "Exit codes",
    value: entries.map(([name, code]) => `${name} ${code}`).join(", "),
  };
}

const EVIDENCE_SOURCE_LABELS: Readonly<Record<EvidenceSource, string>> = {
  ecs: "ECS stop reason",
  "exit-code": "exit code",
  logs: "log pattern",
};

/** "likely (log pattern)", "certain (ECS stop reason)", "guess (nothing recognised)". */
function confidence(d: Diagnosis): string | undefined {
  if (!d.confidence) return undefined;
  if (d.confidence === "guess") return "guess (nothing recognised)";
  return d.evidenceSource ? `${d.confidence} (${EVIDENCE_SOURCE_LABELS[d.evidenceSource]})` : d.confidence;
}

function fact(label: string, value: string | undefined): Fact | undefined {
  return value ? { label, value } : undefined;
}

function facts(
  d: Diagnosis,
  env: DiagnosisEnv,
  cluster: string | undefined,
  taskId: string | undefined,
): Fact[] {
  const category = d.subCause && d.subCause !== d.category ? `${d.category} (${d.subCause})` : d.category;
  const candidates = [
    fact("Cluster", cluster),
    d.service ? fact("Service", d.service) : fact("Family", familyOf(d)),
    fact("Task", taskId),
    fact("Task definition", taskDefinition(d)),
    exitCodes(d),
    fact("Stop code", d.stopCode),
    fact("Category", category),
    fact("Confidence", confidence(d)),
    fact("Started by", d.startedBy),
    fact("History", env.history),
  ];
  return candidates.filter((candidate): candidate is Fact => candidate !== undefined);
}

/** "…/developerguide/stopped-task-errors.html" -> "Stopped task errors (AWS docs)". */
function docLabel(url: string): string {
  const last = URL.canParse(url) ? (new URL(url).pathname.split("/").filter(Boolean).at(-1) ?? "") : "";
  const words = last
    .replace(/\.[a-z]+$/i, "")
    .replace(/[-_]+/g, " ")
    .trim();
  return words ? `${words.charAt(0).toUpperCase()}${words.slice(1)} (AWS docs)` : "AWS documentation";
}

function links(
  d: Diagnosis,
  env: DiagnosisEnv,
  scope: ConsoleScope,
  cluster: string | undefined,
  taskId: string | undefined,
): Link[] {
  const candidates: Array<Link | undefined> = [];
  if (cluster && taskId) {
    const task = ecsTaskUrl(scope, cluster, taskId);
    const logs = ecsTaskLogsUrl(scope, cluster, taskId);
    if (task) candidates.push({ label: "Open task", url: task });
    if (logs) candidates.push({ label: "Task logs", url: logs });
  }
  // The stream itself: where the rest of the tail is, and the way in when the tail could not be read.
  if (env.logTail?.link) candidates.push({ label: "Log stream", url: env.logTail.link });
  if (cluster && d.service) {
    const service = ecsServiceUrl(scope, cluster, d.service);
    if (service) candidates.push({ label: "Open service", url: service });
  }
  for (const url of d.docs) candidates.push({ label: docLabel(url), url });
  return candidates.filter((link): link is Link => link !== undefined);
}

export function fromDiagnosis(d: Diagnosis, env: DiagnosisEnv = {}): Message {
  const arn = parseArn(d.taskArn) ?? parseArn(d.clusterArn);
  const region = arn?.region || env.region || undefined;
  const account = env.account ?? (arn?.account || undefined);
  const scope: ConsoleScope = { partition: arn?.partition, region };
  const cluster = clusterName(d);
  const taskId = arnName(d.taskArn);
  const family = familyOf(d);
  const subject = d.service ?? family ?? "standalone task";
  return {
    kind: "task-stopped",
    severity: d.severity,
    category: d.category,
    // A log signature's title says what broke ("… exited: connection refused by db:5432"); keep it.
    title: d.evidenceSource === "logs" ? d.title : `${subject}: ${headline(d)}`,
    cause: d.summary,
    reason: d.culprit?.reason ?? d.stoppedReason,
    evidence: [...d.evidence],
    remediation: [...d.remediation],
    facts: facts(d, env, cluster, taskId),
    links: links(d, env, scope, cluster, taskId),
    cluster,
    service: d.service,
    family,
    account,
    region,
    time: env.time ?? d.stoppedAt,
    ...(env.logTail ? { logTail: env.logTail } : {}),
    ...(env.changes ? { changes: env.changes } : {}),
    ...(env.history ? { history: env.history } : {}),
  };
}
