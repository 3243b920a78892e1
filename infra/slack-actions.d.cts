/** Types of infra/slack-actions.cjs, for the TypeScript tests that call its pure builders. */
import type { CfnValue, IamStatement, StackParams } from "./stack-config.cjs";

/** The path the endpoint serves besides the Function URL's root (the SlackActionsUrl output ends with it). */
export declare const ACTIONS_PATH: string;

/** The slackActions role's statements; `name` is the deployed function name it may invoke (itself). */
export declare function slackActionsStatements(params: StackParams, name: string): IamStatement[];

export interface SlackActionsDefinition {
  name: string;
  handler: string;
  timeout: number;
  url: boolean;
  environment: Record<string, string>;
  maximumRetryAttempts: number;
  maximumEventAge: number;
  destinations: { onFailure: { type: string; arn: CfnValue } };
  iamRoleStatements: IamStatement[];
}

export declare function slackActionsDefinition(params: StackParams, name: string): SlackActionsDefinition;
