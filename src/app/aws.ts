/**
 * AWS SDK v3 clients, created lazily once per container and shared by every module.
 * The SDK itself honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, so pointing at the emulator
 * needs no code here.
 *
 * ECS, SNS and DynamoDB are on every hot path and are imported statically. The clients used now and then —
 * CloudWatch Logs (the log tail of a failure), Secrets Manager and SSM (the webhook secret, once per
 * container) — are imported on first use: the bundles split them into chunks that a cold start does not load.
 */

import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import type { SSMClient } from "@aws-sdk/client-ssm";

const cache = new Map<string, unknown>();

function once<T>(key: string, create: () => T): T {
  let client = cache.get(key) as T | undefined;
  if (client === undefined) {
    client = create();
    cache.set(key, client);
  }
  return client;
}

const common = () => ({ maxAttempts: 4 });

export const ecsClient = () => once("ecs", () => new ECSClient(common()));
export const snsClient = () => once("sns", () => new SNSClient(common()));
export const dynamoClient = () => once("dynamodb", () => new DynamoDBClient(common()));
export const logsClient = (): Promise<CloudWatchLogsClient> =>
  once(
    "logs",
    async () => new (await import("@aws-sdk/client-cloudwatch-logs")).CloudWatchLogsClient(common()),
  );
export const secretsClient = (): Promise<SecretsManagerClient> =>
  once(
    "secretsmanager",
    async () => new (await import("@aws-sdk/client-secrets-manager")).SecretsManagerClient(common()),
  );
export const ssmClient = (): Promise<SSMClient> =>
  once("ssm", async () => new (await import("@aws-sdk/client-ssm")).SSMClient(common()));

/** Forget cached clients (tests that change AWS_ENDPOINT_URL between files). */
export function resetClients(): void {
  cache.clear();
}
