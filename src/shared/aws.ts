/**
 * AWS SDK v3 clients, created lazily once per container and shared by every module.
 * The SDK itself honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, so pointing at the emulator
 * needs no code here.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";

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
export const logsClient = () => once("logs", () => new CloudWatchLogsClient(common()));
export const schedulerClient = () => once("scheduler", () => new SchedulerClient(common()));
export const secretsClient = () => once("secretsmanager", () => new SecretsManagerClient(common()));
export const ssmClient = () => once("ssm", () => new SSMClient(common()));

/** Forget cached clients (tests that change AWS_ENDPOINT_URL between files). */
export function resetClients(): void {
  cache.clear();
}
