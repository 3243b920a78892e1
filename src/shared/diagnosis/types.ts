/** The contract of a diagnosis (see DESIGN.md): categories, severities and the Diagnosis record. */

export const CATEGORIES = [
  "out-of-memory",
  "image-pull",
  "secrets",
  "iam",
  "network",
  "storage",
  "log-driver",
  "resource-limits",
  "elb-health-check",
  "container-health-check",
  "app-exit",
  "completed",
  "spot-interruption",
  "scaling",
  "user-stopped",
  "placement",
  "platform",
  "start-failure",
  "unknown",
] as const;

export type Category = (typeof CATEGORIES)[number];

/**
 * How sure a diagnosis is: `certain` when ECS said it (an error code, a stop code, an exit code), `likely` when a
 * pattern in the container's last log lines points at it, `guess` when nothing recognisable explains the stop.
 */
export const CONFIDENCES = ["certain", "likely", "guess"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** What the verdict rests on: the event's reasons and codes, the culprit's exit code, or its last log lines. */
export type EvidenceSource = "ecs" | "exit-code" | "logs";

export const SEVERITIES = ["info", "warning", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The container that caused the stop, when one can be named. */
export interface Culprit {
  name: string;
  exitCode?: number;
  reason?: string;
}

export interface Diagnosis {
  taskArn: string;
  clusterArn?: string;
  /** `service:NAME` or `family:NAME`, as ECS puts it in the task's `group`. */
  group?: string;
  /** Service name when the task belongs to a service. */
  service?: string;
  taskDefinitionArn?: string;
  /** Task definition family (from the ARN), useful for standalone tasks. */
  family?: string;
  revision?: number;
  startedBy?: string;
  category: Category;
  /** Finer cause inside the category, e.g. `image-not-found`, `secret-json-key-missing`; kebab-case. */
  subCause: string;
  severity: Severity;
  /** Short headline, e.g. "Container `web` ran out of memory". */
  title: string;
  /** One or two plain-language sentences: what happened and why. */
  summary: string;
  culprit?: Culprit;
  /** What in the event supports the verdict: quoted reasons, exit codes, stop code, containers. */
  evidence: string[];
  /** Steps specific to the sub-cause, most likely fix first. */
  remediation: string[];
  /** AWS documentation URLs for this error. */
  docs: string[];
  stopCode?: string;
  stoppedReason?: string;
  stoppedAt?: string;
  /** True for the Spot interruption notice (task still RUNNING, desiredStatus STOPPED). */
  interruptionNotice?: boolean;
  /** Exit codes of all containers that reported one, by container name. */
  exitCodes?: Record<string, number>;
  /** How sure the verdict is (set by the engine; `likely` once a log signature refined it). */
  confidence?: Confidence;
  /** What the verdict rests on (set by the engine; `logs` once a log signature refined it). */
  evidenceSource?: EvidenceSource;
  /** Id of the log signature that refined the verdict, e.g. `node-connection-refused`. */
  logSignature?: string;
}

/** Extra knowledge the caller may have besides the task itself (e.g. from DescribeTaskDefinition). */
export interface DiagnosisContext {
  /** Hard memory limit (MiB) per container name, when known. */
  containerMemoryLimits?: Record<string, number>;
  /** Names of essential containers, when known from the task definition. */
  essentialContainers?: string[];
}
