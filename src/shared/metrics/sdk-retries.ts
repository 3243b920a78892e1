/**
 * Counts the AWS SDK's own retries: one middleware at the initialize step, outside the SDK's retry loop, reads
 * how many attempts the call took (`$metadata.attempts` of its output, or of its error when it failed for good).
 * Structural: src/shared constructs no client, the composition hands its clients in (src/app/aws-retries.ts).
 * Middleware stack and its steps: https://aws.amazon.com/blogs/developer/middleware-stack-modular-aws-sdk-js/
 * A client's `middlewareStack.add`: https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/logging-sdk-calls.html
 */
import { METRIC, type Metrics } from "./port.js";

/** A handler of the stack: the SDK's InitializeHandler, whatever its command's input and output. */
type Handler<Args, Result extends { output: unknown }> = (args: Args) => Promise<Result>;

/** What `countSdkRetries` adds; the SDK calls it with the next handler of the stack. */
export type RetryCountingMiddleware = <Args, Result extends { output: unknown }>(
  next: Handler<Args, Result>,
) => Handler<Args, Result>;

export interface RetryCountingOptions {
  step: "initialize";
  name: string;
  /** Adding it again (a shared stack, a second call) replaces it instead of counting twice. */
  override: true;
}

/** The part of an AWS SDK v3 client this needs. */
export interface SdkClientStack {
  middlewareStack: { add(middleware: RetryCountingMiddleware, options: RetryCountingOptions): void };
}

export const RETRY_COUNTING_MIDDLEWARE = "ecsSentinelRetryCounting";

/** The attempts a call's output or error reports; undefined when it says nothing (a mocked or failed send). */
function attemptsOf(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const metadata = (value as { $metadata?: unknown }).$metadata;
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const attempts = (metadata as { attempts?: unknown }).attempts;
  return typeof attempts === "number" && Number.isInteger(attempts) ? attempts : undefined;
}

/** Counts `AwsRetries` {awsService: service} by every call of `client` that needed more than one attempt. */
export function countSdkRetries(client: SdkClientStack, metrics: Metrics, service: string): void {
  const dimensions = { awsService: service };
  const count = (reported: unknown) => {
    const retries = (attemptsOf(reported) ?? 1) - 1;
    try {
      if (retries > 0) metrics.count(METRIC.awsRetries, dimensions, retries);
    } catch {
      // Counting never changes what the call returned or threw.
    }
  };
  const middleware: RetryCountingMiddleware = (next) => (args) =>
    next(args).then(
      (result) => {
        count(result.output);
        return result;
      },
      (error: unknown) => {
        count(error);
        throw error;
      },
    );
  client.middlewareStack.add(middleware, {
    step: "initialize",
    name: RETRY_COUNTING_MIDDLEWARE,
    override: true,
  });
}
