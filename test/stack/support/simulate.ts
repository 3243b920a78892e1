/**
 * Evaluates a packaged function role request by request with @cloud-copilot/iam-simulate (AWS's policy
 * evaluation logic and service authorization data, offline): "may taskState call X on Y with these
 * context keys?". CloudFormation references become the ARNs they would have in account 123456789012,
 * region us-east-1.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { type FunctionName, functionRoleId, roleIdStatements, type Statement } from "./iam.js";
import type { CfnTemplate } from "./package-stack.js";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
const STACK_RESOURCES: Record<string, string> = {
  StateTable: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/ecs-sentinel-test-state`,
  NotifyTopic: `arn:aws:sns:${REGION}:${ACCOUNT}:ecs-sentinel-test-notify`,
  NotifyTopicKey: `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`,
  DeadLetterQueue: `arn:aws:sqs:${REGION}:${ACCOUNT}:ecs-sentinel-test-dlq`,
};

export class SimulationError extends Error {
  override readonly name = "SimulationError";
}

/** A CloudFormation value as it would deploy in ACCOUNT and REGION (references to the stack's own resources too). */
export function concrete(value: unknown): unknown {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(concrete);
  const object = value as Record<string, unknown>;
  if (typeof object["Fn::Sub"] === "string") {
    return object["Fn::Sub"]
      .replaceAll(`\${AWS::Partition}`, "aws")
      .replaceAll(`\${AWS::Region}`, REGION)
      .replaceAll(`\${AWS::AccountId}`, ACCOUNT);
  }
  const reference = (object["Fn::GetAtt"] as string[] | undefined)?.[0] ?? (object.Ref as string | undefined);
  if (reference && STACK_RESOURCES[reference]) return STACK_RESOURCES[reference];
  throw new SimulationError(`cannot make a concrete value of ${JSON.stringify(value)}`);
}

/** The function's role as a plain identity policy with concrete ARNs. */
export const identityPolicy = (template: CfnTemplate, fn: FunctionName) =>
  concretePolicy(roleIdStatements(template, functionRoleId(template, fn)));

function concretePolicy(statements: Statement[]) {
  const Statement = statements.map((statement) => ({
    ...statement,
    Resource: concrete(statement.Resource),
    ...(statement.Condition
      ? {
          Condition: Object.fromEntries(
            Object.entries(statement.Condition).map(([operator, keys]) => [
              operator,
              Object.fromEntries(Object.entries(keys).map(([key, v]) => [key, concrete(v)])),
            ]),
          ),
        }
      : {}),
  }));
  return { Version: "2012-10-17", Statement };
}

export interface Request {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/** "Allowed", "ImplicitlyDenied" or "ExplicitlyDenied" for one request of the function's role. */
export const decide = (template: CfnTemplate, fn: FunctionName, request: Request): Promise<string> =>
  decideForRole(template, functionRoleId(template, fn), request);

/** The same for any role of the template by its logical id (the role ECS assumes to invoke the hook). */
export async function decideForRole(
  template: CfnTemplate,
  roleId: string,
  request: Request,
): Promise<string> {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: roleId, policy: concretePolicy(roleIdStatements(template, roleId)) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: request.action,
        principal: `arn:aws:iam::${ACCOUNT}:role/ecs-sentinel-test-${roleId}`,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: request.context ?? {},
      },
    },
    {},
  );
  if (response.resultType === "error") {
    throw new SimulationError(`${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult;
}
