/** CloudWatch Logs, loaded on first use (a log tail): named exports, so a bundle holds these and not the whole client. */
export { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
