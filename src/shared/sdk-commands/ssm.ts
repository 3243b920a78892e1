/** SSM, loaded on first use (a SecureString secret): named exports, so a bundle holds these and not the whole client. */
export { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
