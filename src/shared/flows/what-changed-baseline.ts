/**
 * "What changed", the part every failure's alert context decides: whether changes matter for its category, and
 * which revision the failing one is compared with. Pure; the comparison itself (what-changed.ts, with the task
 * definition diff) loads only when there is another revision to compare with.
 */
import type { Category } from "../diagnosis/types.js";
import type { ChangesSection } from "../notify/message.js";

/** The fields of a service deployment read here (SDK `Deployment`). */
export interface DeploymentLike {
  status?: string;
  taskDefinition?: string;
  rolloutState?: string;
}

export type Baseline =
  /** The failing revision is the one the service settled on: the cause is not a deploy. */
  | { kind: "same"; taskDefinitionArn: string }
  /** The revision the service ran successfully before the failing one. */
  | { kind: "other"; taskDefinitionArn: string }
  | { kind: "none"; reason: string };

/** A Spot reclaim or a host failure happens whatever the task definition says: a diff would only distract. */
const NOT_ABOUT_CONFIGURATION: ReadonlySet<Category> = new Set(["spot-interruption", "platform"]);

export function changesMatter(category: Category): boolean {
  return !NOT_ABOUT_CONFIGURATION.has(category);
}

/** `arn:...:task-definition/api:42` or `api:42` -> `api:42`. */
export function revisionLabel(taskDefinition: string): string {
  const slash = taskDefinition.lastIndexOf("/");
  return slash >= 0 ? taskDefinition.slice(slash + 1) : taskDefinition;
}

function sameRevision(a: string | undefined, b: string): boolean {
  return a !== undefined && revisionLabel(a) === revisionLabel(b);
}

/**
 * The service's last successful revision, from its deployments:
 * - a COMPLETED rollout of the failing revision itself means nothing was deployed ("same");
 * - else a COMPLETED rollout of another revision (the ACTIVE deployment a new PRIMARY is replacing);
 * - else the PRIMARY on another revision (a rollback in progress, or services without rolloutState);
 * - else any ACTIVE deployment on another revision;
 * - a lone PRIMARY of the failing revision without a rollout in progress is the service's steady state.
 */
export function lastSuccessfulRevision(
  deployments: readonly DeploymentLike[],
  failingTaskDefinition: string,
): Baseline {
  const withRevision = deployments.filter(
    (d): d is DeploymentLike & { taskDefinition: string } => typeof d.taskDefinition === "string",
  );
  const completed = withRevision.filter((d) => d.rolloutState === "COMPLETED");
  const same = completed.find((d) => sameRevision(d.taskDefinition, failingTaskDefinition));
  if (same) return { kind: "same", taskDefinitionArn: same.taskDefinition };

  const others = withRevision.filter((d) => !sameRevision(d.taskDefinition, failingTaskDefinition));
  const other =
    others.find((d) => d.rolloutState === "COMPLETED") ??
    others.find((d) => d.status === "PRIMARY") ??
    others.find((d) => d.status === "ACTIVE");
  if (other) return { kind: "other", taskDefinitionArn: other.taskDefinition };

  const primary = withRevision.find((d) => d.status === "PRIMARY");
  if (primary && primary.rolloutState !== "IN_PROGRESS" && primary.rolloutState !== "FAILED") {
    return { kind: "same", taskDefinitionArn: primary.taskDefinition };
  }
  return {
    kind: "none",
    reason:
      withRevision.length === 0
        ? "the service reported no deployments"
        : "the service has no earlier successful revision to compare with",
  };
}

export function unchangedSection(taskDefinition: string): ChangesSection {
  return {
    summary: `No change from the last successful revision (${revisionLabel(taskDefinition)}): the cause is not a deploy`,
    lines: [],
  };
}
