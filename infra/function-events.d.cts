/** Types of infra/function-events.cjs, for the TypeScript tests. */
import type { CfnValue, EventPattern, StackParams } from "./stack-config.cjs";

export interface RuleSettings {
  /** SERVICE-STAGE */
  namePrefix: string;
  retryPolicy: { maximumEventAge: number; maximumRetryAttempts: number };
  deadLetterQueueArn: CfnValue;
}

export interface EventBridgeEvent {
  eventBridge: {
    name: string;
    eventBus?: CfnValue;
    pattern: EventPattern;
    retryPolicy: RuleSettings["retryPolicy"];
    deadLetterQueueArn: CfnValue;
  };
}

export declare const HUB_RULE_SUFFIX: string;
export declare function functionEvents(
  params: StackParams,
  functionKey: "taskState" | "deploymentEvents",
  settings: RuleSettings,
): EventBridgeEvent[];
