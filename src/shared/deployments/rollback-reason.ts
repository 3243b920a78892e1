/**
 * Reading ECS's own rollback wording. A rollback deployment's event reason reads
 * "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/123." (the docs' example keeps the
 * placeholder "deploymentID"). Pure.
 */

const ROLLING_BACK_TO = /rolling back to deployment(?:\s*id)?\s+([^\s]+)/i;

/** True when a deployment reason says the deployment is (or was) a rollback. */
export function isRollbackReason(reason: string | null | undefined): boolean {
  return !!reason && /roll(?:ing|ed)? ?back/i.test(reason);
}

/** The deployment a rollback returns to, e.g. `ecs-svc/123`, when the reason names a real one. */
export function rollbackTargetDeploymentId(reason: string | null | undefined): string | undefined {
  const id = reason ? ROLLING_BACK_TO.exec(reason)?.[1]?.replace(/\.$/, "") : undefined;
  return id && id.toLowerCase() !== "deploymentid" ? id : undefined;
}
