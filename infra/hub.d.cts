/** Types of infra/hub.cjs, for the TypeScript tests. */
import type { CfnValue, IamStatement, StackParams } from "./stack-config.cjs";

export interface StackNames {
  service: string;
  stage: string;
}

export interface BusPolicyStatement {
  Sid: string;
  Effect: "Allow";
  Principal: "*" | { AWS: CfnValue[] };
  Action: "events:PutEvents";
  Resource: CfnValue;
  Condition?: Record<string, Record<string, string>>;
}

export declare const HUB_BUS_LOGICAL_ID: string;
export declare const HUB_BUS_NAME_REF: { "Fn::GetAtt": [string, "Name"] };
export declare function hubBusName(names: StackNames): string;
export declare function hubBusPolicy(
  params: StackParams,
  busName: string,
): { Version: "2012-10-17"; Statement: BusPolicyStatement[] };
export declare function memberRoleStatements(params: StackParams): IamStatement[];
export declare function hubResources(
  params: StackParams,
  names: StackNames,
): { Resources?: Record<string, unknown>; Outputs?: Record<string, { Description: string; Value: unknown }> };
export declare function hubEnvironment(params: StackParams): {
  MEMBER_ROLE_NAME: string;
  MEMBER_EXTERNAL_ID: string;
  ALLOWED_ACCOUNTS: string;
  ACCOUNT_NAMES: string;
  ACCOUNT_ROUTING: string;
};
