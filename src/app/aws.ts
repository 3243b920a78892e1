/**
 * AWS SDK v3 clients, created lazily once per container and shared by every module.
 * The SDK itself honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, so pointing at the emulator
 * needs no code here.
 *
 * ECS and DynamoDB are on every hot path and are imported statically; SNS (aws-sns.ts) only where a message is
 * published. The clients used now and then —
 * CloudWatch Logs (the log tail of a failure), Secrets Manager and SSM (the webhook secret, once per
 * container) — are imported on first use: the bundles split them into chunks that a cold start does not load.
 */

import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { LogsClientFor } from "../shared/enrich/log-tail.js";

const cache = new Map<string, unknown>();

/** Told of each client `once` makes (its key, and the client or the promise of it). */
export type ClientListener = (key: string, client: unknown) => void;
const clientListeners = new Set<ClientListener>();

/**
 * Tells `listener` of every client made so far and from now on (metrics count their retries: aws-retries.ts);
 * returns how to stop.
 */
export function onClientCreated(listener: ClientListener): () => void {
  clientListeners.add(listener);
  for (const [key, client] of cache) listener(key, client);
  return () => clientListeners.delete(listener);
}

/** The client `create` makes, once per container (`resetClients` forgets them all). */
export function once<T>(key: string, create: () => T): T {
  let client = cache.get(key) as T | undefined;
  if (client === undefined) {
    client = create();
    cache.set(key, client);
    for (const listener of clientListeners) listener(key, client);
  }
  return client;
}

export const common = () => ({ maxAttempts: 4 });

export const ecsClient = () => once("ecs", () => new ECSClient(common()));
export const dynamoClient = () => once("dynamodb", () => new DynamoDBClient(common()));
/** The state table's stores read and write plain values through the DocumentClient (default marshalling). */
export const dynamoDocumentClient = () =>
  once("dynamodb-document", () => DynamoDBDocumentClient.from(dynamoClient()));
export const logsClient = (): Promise<CloudWatchLogsClient> =>
  once(
    "logs",
    async () =>
      new (await import("../shared/sdk-commands/cloudwatch-logs.js")).CloudWatchLogsClient(common()),
  );
export const secretsClient = (): Promise<SecretsManagerClient> =>
  once(
    "secretsmanager",
    async () =>
      new (await import("../shared/sdk-commands/secrets-manager.js")).SecretsManagerClient(common()),
  );
export const ssmClient = (): Promise<SSMClient> =>
  once("ssm", async () => new (await import("../shared/sdk-commands/ssm.js")).SSMClient(common()));

/**
 * CloudWatch Logs clients by region (a task's awslogs-region may differ from the Lambda's): the container's
 * client for its own region, one cached client per other region. Other-region clients retry less: the tail's
 * own budget and retry loop already bound the time spent.
 */
export function logsClientsByRegion(
  create: (region: string) => Promise<CloudWatchLogsClient> = (region) =>
    // Keyed `logs@REGION` through `once`: one client per region per container, its retries counted as Logs'.
    once(
      `logs@${region}`,
      async () =>
        new (await import("../shared/sdk-commands/cloudwatch-logs.js")).CloudWatchLogsClient({
          region,
          maxAttempts: 2,
        }),
    ),
  homeRegion = process.env.AWS_REGION,
  home: () => Promise<CloudWatchLogsClient> = logsClient,
): LogsClientFor {
  const others = new Map<string, Promise<CloudWatchLogsClient>>();
  return (region) => {
    if (!region || region === homeRegion) return home();
    let client = others.get(region);
    if (!client) {
      client = create(region);
      others.set(region, client);
    }
    return client;
  };
}

/** Forget cached clients (tests that change AWS_ENDPOINT_URL between files). */
export function resetClients(): void {
  cache.clear();
}
