/** Lambda, loaded on first use (a deferred Slack action): named exports, so a bundle holds these and not the whole client. */
export { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
