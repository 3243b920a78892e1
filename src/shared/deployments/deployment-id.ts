/** A service deployment's id as ECS writes it in events and in its tasks' `startedBy`: `ecs-svc/<digits>`. */
const DEPLOYMENT_ID = /^ecs-svc\/\S+$/;

export function isDeploymentId(value: string | undefined): value is string {
  return value !== undefined && DEPLOYMENT_ID.test(value);
}
