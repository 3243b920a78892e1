/**
 * infra/member.yml, read and evaluated for one member account and region, and the hub's event patterns
 * (infra/event-patterns.cjs) for the same watched clusters, so the two can be compared.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parse } from "yaml";
import { type CfnObject, type CfnTemplate, type Evaluated, evaluateTemplate } from "./cfn-evaluate.js";
import { projectRoot } from "./package-stack.js";

export const MEMBER_TEMPLATE_PATH = join(projectRoot, "infra/member.yml");
export const MEMBER_ACCOUNT = "222222222222";
export const MEMBER_REGION = "eu-west-1";
export const HUB_ACCOUNT = "111111111111";
export const HUB_BUS_ARN = `arn:aws:events:us-east-1:${HUB_ACCOUNT}:event-bus/ecs-sentinel-prod-hub`;
export const HUB_ROLE_ARNS = [
  `arn:aws:iam::${HUB_ACCOUNT}:role/ecs-sentinel-prod-taskState-role`,
  `arn:aws:iam::${HUB_ACCOUNT}:role/ecs-sentinel-prod-slackActions-role`,
];
export const EXTERNAL_ID = "0123456789abcdef-test";

/** The member template as CloudFormation reads it (long-form `Fn::` functions: plain YAML). */
export const memberTemplate = (): CfnTemplate =>
  parse(readFileSync(MEMBER_TEMPLATE_PATH, "utf8")) as CfnTemplate;

/** The required parameters of a member stack instance; `overrides` adds or replaces some. */
export const memberParameters = (overrides: Record<string, string> = {}): Record<string, string> => ({
  HubEventBusArn: HUB_BUS_ARN,
  HubRoleArns: HUB_ROLE_ARNS.join(","),
  ExternalId: EXTERNAL_ID,
  WatchedClusters: "prod,stage",
  ...overrides,
});

/** The member stack as CloudFormation would create it in MEMBER_ACCOUNT / MEMBER_REGION. */
export const deployMember = (overrides: Record<string, string> = {}): Evaluated =>
  evaluateTemplate(memberTemplate(), {
    partition: "aws",
    region: MEMBER_REGION,
    accountId: MEMBER_ACCOUNT,
    parameters: memberParameters(overrides),
  });

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const rolesOf = (stack: Evaluated) =>
  Object.entries(stack.resources).filter(([, resource]) => resource.Type === "AWS::IAM::Role");

/** Every permission statement of a role of the evaluated stack (inline policies), by policy name. */
export function permissionStatements(stack: Evaluated, roleId: string): PolicyStatement[] {
  const role = stack.resources[roleId];
  if (role === undefined) return [];
  const policies = list(role.Properties.Policies as CfnObject[] | undefined) as Array<{
    PolicyDocument: { Statement: PolicyStatement[] };
  }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

/** Every permission statement of every role of the stack, with its role's logical id. */
export const allPermissionStatements = (stack: Evaluated): Array<[string, PolicyStatement]> =>
  rolesOf(stack).flatMap(([id]) =>
    permissionStatements(stack, id).map((s) => [id, s] as [string, PolicyStatement]),
  );

export const trustStatements = (stack: Evaluated, roleId: string): PolicyStatement[] => {
  const document = stack.resources[roleId]?.Properties.AssumeRolePolicyDocument as
    | { Statement: PolicyStatement[] }
    | undefined;
  return document?.Statement ?? [];
};

/** The forwarding rules of the stack: logical id and resolved EventPattern (parsed when the template built a string). */
export function forwardingRules(stack: Evaluated): Array<[string, CfnObject]> {
  return Object.entries(stack.resources)
    .filter(([, resource]) => resource.Type === "AWS::Events::Rule")
    .map(([id, resource]) => {
      const pattern = resource.Properties.EventPattern;
      return [id, (typeof pattern === "string" ? JSON.parse(pattern) : pattern) as CfnObject];
    });
}

// ---------------------------------------------------------------- the hub's patterns

interface HubPatternParams {
  watchedClusters: string[];
  everyCluster: boolean;
}
type PatternBuilder = (params: HubPatternParams) => CfnObject;
const hubPatterns = createRequire(import.meta.url)(join(projectRoot, "infra/event-patterns.cjs")) as Record<
  "taskStoppedPattern" | "spotNoticePattern" | "deploymentPattern" | "hookStatePattern" | "hostEventsPattern",
  PatternBuilder
>;

/** Which hub pattern each member rule forwards. */
export const HUB_PATTERN_OF_RULE: Record<string, PatternBuilder> = {
  ForwardStoppedTasks: hubPatterns.taskStoppedPattern,
  ForwardSpotNotices: hubPatterns.spotNoticePattern,
  ForwardDeployments: hubPatterns.deploymentPattern,
  ForwardHookStates: hubPatterns.hookStatePattern,
  ForwardHostEvents: hubPatterns.hostEventsPattern,
};

/** The hub's pattern for these watched clusters, its Fn::Sub ARNs resolved in the member account and region. */
export function hubPatternInMember(rule: string, watchedClusters: string[]): CfnObject {
  const build = HUB_PATTERN_OF_RULE[rule];
  if (build === undefined) throw new Error(`no hub pattern for rule ${rule}`);
  const everyCluster = watchedClusters.includes("*");
  return resolveSubs(
    build({ watchedClusters: everyCluster ? [] : watchedClusters, everyCluster }),
  ) as CfnObject;
}

function resolveSubs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveSubs);
  if (typeof value !== "object" || value === null) return value;
  const object = value as CfnObject;
  if (typeof object["Fn::Sub"] === "string") {
    return object["Fn::Sub"]
      .replaceAll(`\${AWS::Partition}`, "aws")
      .replaceAll(`\${AWS::Region}`, MEMBER_REGION)
      .replaceAll(`\${AWS::AccountId}`, MEMBER_ACCOUNT);
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, resolveSubs(item)]));
}

const CLUSTER_ARN = /^arn:[^:]+:ecs:[^:]+:\d{12}:cluster\/([^/]+)$/;
const SERVICE_PREFIX = /^arn:[^:]+:ecs:[^:]+:\d{12}:service\/([^/]+)\/$/;

/**
 * The hub pattern with each full cluster ARN written as the member template writes it (`suffix :cluster/NAME`,
 * `wildcard *:service/NAME/*`): the only difference plain CloudFormation forces on the member's patterns.
 */
export function accountNeutral(pattern: unknown): unknown {
  if (typeof pattern === "string") {
    const cluster = CLUSTER_ARN.exec(pattern)?.[1];
    return cluster === undefined ? pattern : { suffix: `:cluster/${cluster}` };
  }
  if (Array.isArray(pattern)) return pattern.map(accountNeutral);
  if (typeof pattern !== "object" || pattern === null) return pattern;
  const object = pattern as CfnObject;
  const service = typeof object.prefix === "string" ? SERVICE_PREFIX.exec(object.prefix)?.[1] : undefined;
  if (service !== undefined && Object.keys(object).length === 1)
    return { wildcard: `*:service/${service}/*` };
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, accountNeutral(item)]));
}
