"use strict";
/**
 * The EventBridge patterns of the stack's rules, filtered on the watched clusters (all for watchedClusters=*).
 *
 * Each builder takes `{ anyAccount }`: false (the default bus) matches the watched clusters of the stack's own
 * account and region; true (the hub bus of hub mode, which receives member accounts' events from every region)
 * matches clusters of those names in any account and region, with EventBridge's wildcard filter. The member
 * stacks filter on their own clusters before forwarding; the bus policy limits who may send.
 * Wildcard filters on event buses: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */

const ECS_SOURCE = "aws.ecs";
const TASK_STATE_CHANGE = "ECS Task State Change";
const DEPLOYMENT_STATE_CHANGE = "ECS Deployment State Change";
const SERVICE_ACTION = "ECS Service Action";
const HOOK_STATE_CHANGE = "ECS Hook State Change";
const CONTAINER_INSTANCE_STATE_CHANGE = "ECS Container Instance State Change";
const CONTAINER_INSTANCE_HEALTH_CHANGE = "ECS Container Instance Health Change";
/** Older docs and events use TerminationNotice; current Fargate Spot notices use SpotInterruption. */
const SPOT_STOP_CODES = ["SpotInterruption", "TerminationNotice"];

// ARNs are CloudFormation Fn::Sub strings so the template stays account- and region-neutral.
const ecsArn = (resource) => ({
  "Fn::Sub": `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});
/** An ECS ARN of any account and region, as a wildcard filter (cluster and service names hold no `*`). */
const anyAccountEcsArn = (resource) => ({
  wildcard: { "Fn::Sub": `arn:\${AWS::Partition}:ecs:*:*:${resource}` },
});

const clusterArns = (params, { anyAccount = false } = {}) =>
  params.watchedClusters.map((cluster) =>
    anyAccount ? anyAccountEcsArn(`cluster/${cluster}`) : ecsArn(`cluster/${cluster}`),
  );

/** Matches task events of the watched clusters only (all clusters when none are given). */
function withClusterFilter(detail, params, scope) {
  if (params.everyCluster) return detail;
  return { ...detail, clusterArn: clusterArns(params, scope) };
}

function taskStoppedPattern(params, scope) {
  return {
    source: [ECS_SOURCE],
    "detail-type": [TASK_STATE_CHANGE],
    detail: withClusterFilter({ lastStatus: ["STOPPED"] }, params, scope),
  };
}

/** The Spot notice arrives while the task still runs: RUNNING with desiredStatus STOPPED. */
function spotNoticePattern(params, scope) {
  return {
    source: [ECS_SOURCE],
    "detail-type": [TASK_STATE_CHANGE],
    detail: withClusterFilter(
      { lastStatus: ["RUNNING"], desiredStatus: ["STOPPED"], stopCode: SPOT_STOP_CODES },
      params,
      scope,
    ),
  };
}

/** Deployment and service-action events carry no clusterArn: the service ARN in `resources` names the cluster. */
function deploymentPattern(params, { anyAccount = false } = {}) {
  const pattern = { source: [ECS_SOURCE], "detail-type": [DEPLOYMENT_STATE_CHANGE, SERVICE_ACTION] };
  if (params.everyCluster) return pattern;
  return {
    ...pattern,
    resources: params.watchedClusters.map((cluster) =>
      anyAccount ? anyAccountEcsArn(`service/${cluster}/*`) : { prefix: ecsArn(`service/${cluster}/`) },
    ),
  };
}

/**
 * Pause hooks (ECS Hook State Change): `resources` holds the service DEPLOYMENT's ARN, not the service's, so the
 * deployment pattern's prefix would never match; the detail's clusterArn names the cluster.
 */
function hookStatePattern(params, scope) {
  return {
    source: [ECS_SOURCE],
    "detail-type": [HOOK_STATE_CHANGE],
    ...(params.everyCluster ? {} : { detail: withClusterFilter({}, params, scope) }),
  };
}

/**
 * Container instance state and health changes (the hosts of EC2 and Managed Instances capacity): `resources` names
 * the container instance; the detail's clusterArn names the cluster.
 */
function hostEventsPattern(params, scope) {
  return {
    source: [ECS_SOURCE],
    "detail-type": [CONTAINER_INSTANCE_STATE_CHANGE, CONTAINER_INSTANCE_HEALTH_CHANGE],
    ...(params.everyCluster ? {} : { detail: withClusterFilter({}, params, scope) }),
  };
}

module.exports = {
  taskStoppedPattern,
  spotNoticePattern,
  deploymentPattern,
  hookStatePattern,
  hostEventsPattern,
};
