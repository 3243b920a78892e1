/** Reads the IAM statements of a packaged template: per function role, or every role and policy. */
import type { CfnResource, CfnTemplate } from "./package-stack.js";
import { resourcesOfType } from "./package-stack.js";

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The functions of every deployment (deploymentHook: idle until a service names it as a lifecycle hook). */
export const FUNCTIONS = ["TaskState", "DeploymentEvents", "RunJob", "Watchdog", "DeploymentHook"] as const;
/** The role ECS assumes to invoke deploymentHook (infra/deployment-hook.yml). */
export const HOOK_INVOKE_ROLE = "DeploymentHookInvokeRole";
/** Slack buttons' endpoint: only with slackSigningSecret and slackApprovers (infra/slack-actions.cjs). */
export const SLACK_ACTIONS = "SlackActions" as const;
export type FunctionName = (typeof FUNCTIONS)[number] | typeof SLACK_ACTIONS;

/** The functions a packaged template has: every deployment's, then slackActions when it exists. */
export const functionsIn = (template: CfnTemplate): FunctionName[] => [
  ...FUNCTIONS,
  ...(template.Resources[`${SLACK_ACTIONS}LambdaFunction`] ? [SLACK_ACTIONS] : ([] as const)),
];

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

export function roleStatements(role: CfnResource): Statement[] {
  const policies = (role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

export const functionRoleId = (template: CfnTemplate, fn: string): string => {
  const role = template.Resources[`${fn}LambdaFunction`]?.Properties.Role as {
    "Fn::GetAtt": [string, string];
  };
  return role["Fn::GetAtt"][0];
};

export function functionStatements(template: CfnTemplate, fn: FunctionName): Statement[] {
  return roleIdStatements(template, functionRoleId(template, fn));
}

/** The statements of the role with this logical id. */
export function roleIdStatements(template: CfnTemplate, roleId: string): Statement[] {
  const role = template.Resources[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  return roleStatements(role);
}

/** Every statement of every role and policy in the template, with the logical id that holds it. */
export function allIamStatements(template: CfnTemplate): Array<{ owner: string; statement: Statement }> {
  const fromRoles = resourcesOfType(template, "AWS::IAM::Role").flatMap(([owner, role]) =>
    roleStatements(role).map((statement) => ({ owner, statement })),
  );
  const fromPolicies = [
    ...resourcesOfType(template, "AWS::IAM::Policy"),
    ...resourcesOfType(template, "AWS::IAM::ManagedPolicy"),
  ].flatMap(([owner, policy]) =>
    (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({
      owner,
      statement,
    })),
  );
  return [...fromRoles, ...fromPolicies];
}

/** The actions a function's role allows, sorted: what the security review lists per function. */
export function functionActions(template: CfnTemplate, fn: FunctionName): string[] {
  const actions = functionStatements(template, fn).flatMap((statement) => asArray(statement.Action));
  return [...new Set(actions)].sort();
}

/** Statements of a function that allow `action`. */
export function statementsAllowing(template: CfnTemplate, fn: FunctionName, action: string): Statement[] {
  return functionStatements(template, fn).filter((statement) => asArray(statement.Action).includes(action));
}
