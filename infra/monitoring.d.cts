/** Types of infra/monitoring.cjs, for the TypeScript tests that call its pure builders. */

export declare const NAMESPACE: "ECSSentinel";

export interface MonitoringInputs {
  service: string;
  stage: string;
  /** The Slack buttons are on: the slackActions function exists and is graphed and alarmed too. */
  slackButtons: boolean;
}

/** The dashboard, the delivery-failure and handler-error alarms, and the DashboardUrl output. */
export declare function monitoringResources(inputs: MonitoringInputs): {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, unknown>;
};
