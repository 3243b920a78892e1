"use strict";
/** The EventBridge patterns of the stack's rules, filtered on the watched clusters (all for watchedClusters=*). */

const ECS_SOURCE = "aws.ecs";
const TASK_STATE_CHANGE = "ECS Task State Change";
const DEPLOYMENT_STATE_CHANGE = "ECS Deployment State Change";
const SERVICE_ACTION = "ECS Service Action";
const HOOK_STATE_CHANGE = "ECS Hook State Change";
/** Older docs and events use TerminationNotice; current Fargate Spot notices use SpotInterruption. */
const SPOT_STOP_CODES = ["SpotInterruption", "TerminationNotice"];

// ARNs are CloudFormation Fn::Sub strings so the template stays account- and region-neutral.
const ecsArn = (resource) => ({
  "Fn::Sub": `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});
const clusterArns = (params) => params.watchedClusters.map((cluster) => ecsArn(`cluster/${cluster}`));

/** Matches task events of the watched clusters only (all clusters when none are given). */
function withClusterFilter(detail, params) {
  if (params.everyCluster) return detail;
  return { ...detail, clusterArn: clusterArns(params) };
}

function taskStoppedPattern(params) {
  return {
    source: [ECS_SOURCE],
    "detail-type": [TASK_STATE_CHANGE],
    detail: withClusterFilter({ lastStatus: ["STOPPED"] }, params),
  };
}

/** The Spot notice arrives while the task still runs: RUNNING with desiredStatus STOPPED. */
function spotNoticePattern(params) {
  return {
    source: [ECS_SOURCE],
    "detail-type": [TASK_STATE_CHANGE],
    detail: withClusterFilter(
      { lastStatus: ["RUNNING"], desiredStatus: ["STOPPED"], stopCode: SPOT_STOP_CODES },
      params,
    ),
  };
}

/** Deployment and service-action events carry no clusterArn: the service ARN in `resources` names the cluster. */
function deploymentPattern(params) {
  const pattern = { source: [ECS_SOURCE], "detail-type": [DEPLOYMENT_STATE_CHANGE, SERVICE_ACTION] };
  if (params.everyCluster) return pattern;
  return {
    ...pattern,
    resources: params.watchedClusters.map((cluster) => ({ prefix: ecsArn(`service/${cluster}/`) })),
  };
}

/**
 * Pause hooks (ECS Hook State Change): `resources` holds the service DEPLOYMENT's ARN, not the service's, so the
 * deployment pattern's prefix would never match; the detail's clusterArn names the cluster.
 */
function hookStatePattern(params) {
  return {
    source: [ECS_SOURCE],
    "detail-type": [HOOK_STATE_CHANGE],
    ...(params.everyCluster ? {} : { detail: withClusterFilter({}, params) }),
  };
}

module.exports = { taskStoppedPattern, spotNoticePattern, deploymentPattern, hookStatePattern };
