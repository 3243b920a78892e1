/** Secrets Manager, loaded on first use (a secret): named exports, so a bundle holds these and not the whole client. */
export { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
