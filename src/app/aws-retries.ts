/**
 * The AWS SDK's retries of this container's clients, counted as `AwsRetries` by `awsService`: every client
 * aws.ts makes gets the counting middleware (src/shared/metrics/sdk-retries.ts) before its first call.
 */
import type { Metrics } from "../shared/metrics/port.js";
import { countSdkRetries, type SdkClientStack } from "../shared/metrics/sdk-retries.js";
import { type ClientListener, onClientCreated } from "./aws.js";

/**
 * The `awsService` of each client key of aws.ts: a closed list, so a new key mints no series until it is named
 * here. The DynamoDB DocumentClient shares its DynamoDB client's stack, and is counted there.
 */
export const AWS_SERVICE_OF_CLIENT: Readonly<Record<string, string>> = {
  ecs: "ECS",
  dynamodb: "DynamoDB",
  sns: "SNS",
  logs: "CloudWatchLogs",
  secretsmanager: "SecretsManager",
  ssm: "SSM",
  lambda: "Lambda",
};

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === "function";

const hasStack = (value: unknown): value is SdkClientStack =>
  typeof (value as { middlewareStack?: { add?: unknown } } | null)?.middlewareStack?.add === "function";

/** The listener that adds the counting middleware to each client of a known service. */
export function retryCountingListener(metrics: Metrics): ClientListener {
  return (key, client) => {
    // `logs@eu-west-1`: another region's client of the same service.
    const base = key.split("@")[0] ?? key;
    const service = Object.hasOwn(AWS_SERVICE_OF_CLIENT, base) ? AWS_SERVICE_OF_CLIENT[base] : undefined;
    if (!service) return;
    const count = (made: unknown) => {
      if (hasStack(made)) countSdkRetries(made, metrics, service);
    };
    // A client imported on first use is a promise: its middleware is added before the caller's await resumes.
    if (isThenable(client)) client.then(count, () => undefined);
    else count(client);
  };
}

/** Counts the retries of every client aws.ts makes (those made already included); returns how to stop. */
export function countAwsRetries(metrics: Metrics): () => void {
  return onClientCreated(retryCountingListener(metrics));
}
