"use strict";
/**
 * Hub mode in the stack (docs/deploy.md "Hub mode", docs/security.md "Hub mode"): the hub event bus and its
 * policy, the functions' sts:AssumeRole of the member role, the handlers' hub settings and the outputs the member
 * template (infra/member.yml) takes. Nothing here exists in a single-account deployment (hubMode=false) but
 * the handlers' settings, empty there.
 *
 * AWS rules encoded here:
 * - An event bus's resource policy (the bus's Policy property) admits other accounts' PutEvents; Principal "*"
 *   with aws:PrincipalOrgID admits exactly the organization's accounts:
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbus.html
 *   https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html
 * - aws:ResourceOrgID is the organization of the account that owns the requested resource, present in the
 *   request context only when that account belongs to one; an IAM role is the resource of sts:AssumeRole, so
 *   StringEquals on it limits AssumeRole to roles of the organization's accounts (AWS's own resource-perimeter
 *   examples rely on it for sts:AssumeRole):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
 *   https://github.com/aws-samples/data-perimeter-policy-examples/blob/main/service_control_policies/resource_perimeter_scp.json
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */
const { allow, sub } = require("./iam-parts.cjs");
const { allowedAccounts } = require("./hub-params.cjs");

const HUB_BUS_LOGICAL_ID = "HubEventBus";
/** The hub bus by name, as osls's `eventBridge.eventBus` takes a bus this stack creates. */
const HUB_BUS_NAME_REF = { "Fn::GetAtt": [HUB_BUS_LOGICAL_ID, "Name"] };

/** The functions that read ECS or CloudWatch Logs, or act, and so assume the member role (every one). */
const ASSUMING_FUNCTIONS = ["taskState", "deploymentEvents", "runJob", "watchdog", "deploymentHook"];
/** serverless-iam-roles-per-function's logical id of a function's role. */
const roleLogicalId = (functionKey) =>
  `${functionKey.charAt(0).toUpperCase()}${functionKey.slice(1)}IamRoleLambdaExecution`;

/** `SERVICE-STAGE-hub`: the hub bus's name, which member stacks target. */
const hubBusName = ({ service, stage }) => `${service}-${stage}-hub`;

/**
 * sts:AssumeRole of the member role and of nothing else: the role by name in each listed account, and in any
 * account of the organization only with aws:ResourceOrgID equal to it (never a wildcard role name). Nothing
 * without hub mode.
 */
function memberRoleStatements(params) {
  if (!params.hubMode) return [];
  const roleIn = (account) => sub(`arn:\${AWS::Partition}:iam::${account}:role/${params.memberRoleName}`);
  return [
    ...(params.memberAccounts.length > 0
      ? [allow("AssumeMemberRoleInListedAccounts", ["sts:AssumeRole"], params.memberAccounts.map(roleIn))]
      : []),
    ...(params.organizationId !== ""
      ? [
          allow("AssumeMemberRoleInOrganization", ["sts:AssumeRole"], [roleIn("*")], {
            StringEquals: { "aws:ResourceOrgID": params.organizationId },
          }),
        ]
      : []),
  ];
}

/** Who may put events on the hub bus: the organization's accounts and/or the listed accounts, nobody else. */
function hubBusPolicy(params, busName) {
  const busArn = sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${busName}`);
  const statements = [];
  if (params.organizationId !== "") {
    statements.push({
      Sid: "AccountsOfTheOrganizationPutEvents",
      Effect: "Allow",
      Principal: "*",
      Action: "events:PutEvents",
      Resource: busArn,
      Condition: { StringEquals: { "aws:PrincipalOrgID": params.organizationId } },
    });
  }
  if (params.memberAccounts.length > 0) {
    statements.push({
      Sid: "ListedMemberAccountsPutEvents",
      Effect: "Allow",
      Principal: { AWS: params.memberAccounts.map((id) => sub(`arn:\${AWS::Partition}:iam::${id}:root`)) },
      Action: "events:PutEvents",
      Resource: busArn,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The role logical ids of the functions that assume the member role (slackActions with Slack buttons). */
const assumingRoleIds = (params) =>
  [...ASSUMING_FUNCTIONS, ...(params.slackButtons ? ["slackActions"] : [])].map(roleLogicalId);

/**
 * The hub bus (with its policy) and the outputs a member stack takes: the bus ARN (its rules' target) and the
 * function roles its member role trusts. The external id is not an output: it is the trust policy's shared
 * secret, which the deployer hands to the member stacks, not every reader of the stack's outputs.
 */
function hubResources(params, names) {
  if (!params.hubMode) return {};
  const busName = hubBusName(names);
  return {
    Resources: {
      [HUB_BUS_LOGICAL_ID]: {
        Type: "AWS::Events::EventBus",
        Properties: {
          Name: busName,
          Description: "ecs-sentinel hub: aws.ecs events forwarded by the member accounts' stacks",
          Policy: hubBusPolicy(params, busName),
        },
      },
    },
    Outputs: {
      HubEventBusArn: {
        Description: "The hub event bus: infra/member.yml's HubEventBusArn parameter",
        Value: { "Fn::GetAtt": [HUB_BUS_LOGICAL_ID, "Arn"] },
      },
      HubRoleArns: {
        Description: "The function roles the member role trusts: infra/member.yml's HubRoleArns parameter",
        Value: { "Fn::Join": [",", assumingRoleIds(params).map((id) => ({ "Fn::GetAtt": [id, "Arn"] }))] },
      },
    },
  };
}

/** The handlers' hub settings (provider.environment); HUB_ACCOUNT_ID is a CloudFormation reference there. */
function hubEnvironment(params) {
  return {
    MEMBER_ROLE_NAME: params.memberRoleName,
    MEMBER_EXTERNAL_ID: params.memberExternalId,
    ALLOWED_ACCOUNTS: allowedAccounts(params),
    ACCOUNT_NAMES: params.accountNamesText,
    ACCOUNT_ROUTING: params.accountRouting,
  };
}

// ---------------------------------------------------------------- osls entry points

const stack = (input) => require("./stack-inputs.cjs").validatedStack(input);

const { stackNames } = require("./stack-inputs.cjs");

module.exports = {
  HUB_BUS_LOGICAL_ID,
  HUB_BUS_NAME_REF,
  hubBusName,
  hubBusPolicy,
  memberRoleStatements,
  hubResources,
  hubEnvironment,
  stackNames,
  hubResourcesOf: async (input) => hubResources((await stack(input)).params, await stackNames(input)),
  hubEnvironmentOf: async (input) => hubEnvironment((await stack(input)).params),
};
