"use strict";
/**
 * The ECS deployment lifecycle hook in the stack: the `deploymentHook` function's own least-privilege role
 * (read only: it judges a deployment, ECS acts on the verdict) and its setting. The role ECS assumes to invoke
 * the hook, and the two outputs a service's `lifecycleHooks` need, are infra/deployment-hook.yml.
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */
const { parts } = require("./stack-config.cjs");

/**
 * What deploymentHook may do, and nothing more:
 * - read the target revision's tasks in the watched clusters: ListTasks (authorised on container instances,
 *   which Fargate tasks lack: the `ecs:cluster` condition scopes it) and DescribeTasks;
 * - read services, their tags (the bake-time tag), service deployments and revisions as deploymentEvents does,
 *   and task definitions (no resource-level permissions exist for DescribeTaskDefinition);
 * - the state table (its record of each verdict), the topic, and what every notifying function has of the
 *   channels: the Slack, PagerDuty and Teams secrets and the Amazon Q Developer topic (a FAILED verdict notifies).
 * No dead-letter queue: ECS invokes it synchronously and reads its answer, so no destination ever sends.
 * - in hub mode, sts:AssumeRole of the member role (infra/hub.cjs), to read a member account's deployment.
 * Nothing that changes ECS: ECS itself rolls back on FAILED. (A person continues or rolls back a deployment paused
 * by a pause hook through slackActions, whose role has ContinueServiceDeployment on opted-in services.)
 */
function deploymentHookStatements(params) {
  return [
    ...parts.commonStatements(params, [], { withDeadLetterQueue: false }),
    parts.describeTaskDefinition(),
    ...parts.serviceReadStatements(params),
    ...parts.watchedClusterTaskReads(params),
    // Hub mode: the same reads in a member account, through its member role.
    ...parts.memberRoleStatements(params),
  ];
}

/** HOOK_FAIL_CLOSED as the handler reads it: "true" or "false", whatever spelling the parameter used. */
const hookFailClosedValue = (params) => String(params.hookFailClosed);

// ---------------------------------------------------------------- osls entry points

const stack = (input) => require("./stack-inputs.cjs").validatedStack(input);

module.exports = {
  deploymentHookStatements,
  hookFailClosedValue,
  deploymentHookStatementsOf: async (input) => deploymentHookStatements((await stack(input)).params),
  hookFailClosedOf: async (input) => hookFailClosedValue((await stack(input)).params),
};
