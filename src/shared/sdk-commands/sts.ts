/** STS, loaded on first use (a member account): named exports, so a bundle holds these and not the whole client. */
export { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
