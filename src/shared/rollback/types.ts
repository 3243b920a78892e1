/**
 * Plain-data types of the rollback policy. Field names follow the ECS API (DescribeServices `deployments`,
 * DescribeServiceDeployments), so the adapter maps SDK output with little more than a copy.
 */
import type { Category } from "../diagnosis/types.js";

/**
 * The service tag that opts a service in or out of rollback: `true` (automatic, and a Slack button when automation
 * declines), `manual` (never automatic; the Slack button is offered), `false` (never, no button).
 */
export const AUTO_ROLLBACK_TAG = "ecs-sentinel:auto-rollback";

/** What the tag (or AUTO_ROLLBACK_SERVICES) allows for a service. */
export type RollbackMode = "automatic" | "manual" | "off";

export interface TaskFailure {
  taskArn: string;
  stoppedAt: Date;
  category: Category;
  /** The task's `startedBy`; when present it must be the deployment id or the failure is ignored. */
  startedBy?: string;
  /**
   * The task's task definition. `startedBy` and `group` can be set by anyone allowed to call RunTask, so a
   * failure counts only when its task definition is the deployment's own.
   */
  taskDefinitionArn?: string;
}

export type RollbackTrigger =
  | { kind: "deployment-failed"; deploymentId: string; reason: string }
  | { kind: "crash-loop"; deploymentId: string; failures: readonly TaskFailure[] }
  /** A person asked for it (a Slack button): `by` names them for the record. */
  | { kind: "manual"; deploymentId: string; by: string };

/** An element of DescribeServices `services[].deployments` (the fields the policy reads). */
export interface ServiceDeploymentState {
  /** `ecs-svc/...`: the deploymentId of deployment events and the `startedBy` of its tasks. */
  id: string;
  /** PRIMARY (newest), ACTIVE (being replaced) or INACTIVE. */
  status: string;
  /** IN_PROGRESS, COMPLETED or FAILED. */
  rolloutState?: string;
  rolloutStateReason?: string;
  taskDefinition?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

export interface ServiceSnapshot {
  arn: string;
  tags: readonly { key?: string; value?: string }[];
  deploymentConfiguration?: {
    deploymentCircuitBreaker?: { enable?: boolean; rollback?: boolean };
    alarms?: { enable?: boolean; rollback?: boolean };
  };
  deployments: readonly ServiceDeploymentState[];
}

export interface RevisionRef {
  /** Service revision ARN. */
  arn: string;
  /** Its task definition ARN, from DescribeServiceRevisions, when resolved. */
  taskDefinition?: string;
}

/** A DescribeServiceDeployments element with the revisions' task definitions resolved. */
export interface ServiceDeploymentRecord {
  serviceDeploymentArn: string;
  /** PENDING | SUCCESSFUL | STOPPED | STOP_REQUESTED | IN_PROGRESS | ROLLBACK_REQUESTED | ROLLBACK_IN_PROGRESS | ROLLBACK_SUCCESSFUL | ROLLBACK_FAILED */
  status: string;
  statusReason?: string;
  createdAt?: Date;
  startedAt?: Date;
  finishedAt?: Date;
  updatedAt?: Date;
  targetServiceRevision?: RevisionRef;
  sourceServiceRevisions?: readonly RevisionRef[];
  /** Set when ECS rolled this deployment back. */
  rollback?: { reason?: string; startedAt?: Date; serviceRevisionArn?: string };
}

export interface RollbackConfig {
  /** Service names, `cluster/service` or service ARNs allowed to roll back, besides the tag. */
  optInServices: readonly string[];
  crashLoopThreshold: number;
  crashLoopWindowMinutes: number;
  /** How long after a deployment completed a crash loop still counts as caused by it. */
  postCompletionMinutes: number;
  cooldownMinutes: number;
  dryRun: boolean;
}

export const DEFAULT_ROLLBACK_CONFIG: RollbackConfig = {
  optInServices: [],
  crashLoopThreshold: 3,
  crashLoopWindowMinutes: 15,
  postCompletionMinutes: 30,
  cooldownMinutes: 30,
  dryRun: false,
};

export interface RollbackInput {
  trigger: RollbackTrigger;
  service: ServiceSnapshot;
  history: readonly ServiceDeploymentRecord[];
  /** Missing fields take DEFAULT_ROLLBACK_CONFIG's values. */
  config?: Partial<RollbackConfig>;
  now: Date;
  lastRollbackAt?: Date;
  alreadyClaimed?: boolean;
}

export type RollbackTarget =
  | {
      kind: "stop-deployment";
      serviceDeploymentArn: string;
      /** The revision ECS returns to (the deployment's source), used if the stop is refused. */
      taskDefinition?: string;
    }
  | { kind: "update-service"; taskDefinition: string };

export const DECISION_CODES = [
  "rollback",
  "unknown-deployment",
  "superseded",
  "ecs-rolls-back",
  "below-threshold",
  "outside-window",
  "not-opted-in",
  "manual-only",
  "rollback-of-rollback",
  "already-claimed",
  "cooldown",
  "first-deployment",
  "no-healthy-revision",
] as const;
export type DecisionCode = (typeof DECISION_CODES)[number];

export interface Decision {
  action: "none" | "rollback";
  code: DecisionCode;
  /** Plain-language sentence for the message, for every decision ("not rolling back because ..."). */
  reason: string;
  /** The trigger held (a failed deployment ECS will not undo, or a crash loop): worth telling people. */
  triggered: boolean;
  target?: RollbackTarget;
  /** Report only: whoever executes the decision must not act. */
  dryRun: boolean;
  trigger: RollbackTrigger["kind"];
  deploymentId: string;
  serviceArn: string;
  fromTaskDefinition?: string;
  /** Where the rollback goes; on a refused rollback, where it would have gone (for a manual rollback). */
  toTaskDefinition?: string;
  /** Failures counted in the window (crash-loop trigger). */
  failureCount?: number;
}

/** What executing a decision did; see ecs-rollback.ts. */
export type RollbackOutcome =
  | {
      status: "done";
      api: "StopServiceDeployment" | "UpdateService";
      serviceDeploymentArn?: string;
      taskDefinition?: string;
      /** UpdateService: the deployment it started (`ecs-svc/…`), whose events continue the failed one's thread. */
      deploymentId?: string;
    }
  | { status: "skipped"; why: string }
  | { status: "failed"; api: "StopServiceDeployment" | "UpdateService"; error: string };
