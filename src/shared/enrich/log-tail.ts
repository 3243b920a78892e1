/**
 * The last lines a failed container wrote, read from CloudWatch Logs for the `awslogs` driver.
 *
 * Never throws for CloudWatch problems: the alert goes out without the tail and says why. Log delivery lags
 * behind the stop event, so an empty or missing stream is read again after a short pause while the
 * invocation's budget lasts; then the result falls back to a console link to the stream.
 *
 * Cost: one GetLogEvents call per attempt (counted). Fetch a tail only when `shouldFetchLogTail` says so.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { arnName } from "../events/arns.js";
import { cloudWatchEncode, consoleOrigin, parseArn } from "../notify/console-links.js";
import { type CallCounter, ENRICH_OPERATIONS, enrichmentCalls } from "./call-counter.js";
import { type ShapeOptions, shapeLogLines } from "./log-lines.js";
import { REASONS, type TaskDefinitionLogsLike } from "./log-tail-choice.js";

export {
  type ContainerDefinitionLike,
  type LogConfigurationLike,
  logTailContainerName,
  REASONS,
  shouldFetchLogTail,
  type TaskDefinitionLogsLike,
} from "./log-tail-choice.js";

export type LogTail =
  | {
      kind: "lines";
      lines: string[];
      group: string;
      stream: string;
      /** Console link to the whole stream; undefined where no console exists (isolated partitions). */
      link: string | undefined;
      truncated: boolean;
    }
  | { kind: "unavailable"; reason: string; link?: string };

export const DEFAULT_TAIL_LINES = 20;
export const DEFAULT_BUDGET_MS = 4000;
/** Pauses before the 2nd and 3rd reads of a stream that is missing or empty. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 2000];
/** Below this, a call is not worth starting. */
const MIN_CALL_MS = 200;

export type LogLocation =
  | { kind: "awslogs"; group: string; stream: string; region: string | undefined; partition: string }
  | { kind: "unavailable"; reason: string; link?: string };

export interface LogLocationInput {
  taskArn: string;
  containerName: string;
  taskDefinition: TaskDefinitionLogsLike | undefined;
  /** The container's Docker id (`containers[].runtimeId`): the stream name when awslogs has no prefix (EC2). */
  runtimeId?: string;
}

export function logGroupUrl(
  partition: string,
  region: string | undefined,
  group: string,
): string | undefined {
  const origin = consoleOrigin({ partition, region });
  if (!origin) return undefined;
  return `${origin}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${cloudWatchEncode(group)}`;
}

export function logStreamUrl(
  partition: string,
  region: string | undefined,
  group: string,
  stream: string,
): string | undefined {
  const groupUrl = logGroupUrl(partition, region, group);
  return groupUrl && `${groupUrl}/log-events/${cloudWatchEncode(stream)}`;
}

/** FireLens routes to many destinations; only its CloudWatch outputs can be linked. */
function fireLensLink(
  options: Record<string, string>,
  partition: string,
  region?: string,
): string | undefined {
  const group = options.log_group_name;
  if (!group || !/^cloudwatch(_logs)?$/.test(options.Name ?? "")) return undefined;
  return logGroupUrl(partition, options.region ?? region, group);
}

/** Where the container's output went, from its log configuration (awslogs stream: `prefix/container/task-id`). Pure. */
export function resolveLogLocation(input: LogLocationInput): LogLocation {
  const arn = parseArn(input.taskArn);
  const partition = arn?.partition ?? "aws";
  const taskRegion = arn?.region || undefined;
  if (!input.taskDefinition) return { kind: "unavailable", reason: "task definition not available" };
  const container = input.taskDefinition.containerDefinitions?.find((c) => c.name === input.containerName);
  if (!container) {
    return { kind: "unavailable", reason: `container ${input.containerName} is not in the task definition` };
  }
  const config = container.logConfiguration;
  if (!config?.logDriver) {
    return {
      kind: "unavailable",
      reason: `container ${input.containerName} has no log configuration: its output was not kept`,
    };
  }
  const options = config.options ?? {};
  const driver = config.logDriver;
  if (driver === "awsfirelens") {
    const link = fireLensLink(options, partition, taskRegion);
    return {
      kind: "unavailable",
      reason: "container logs with awsfirelens: see your FireLens destination",
      ...(link ? { link } : {}),
    };
  }
  if (driver === "splunk")
    return { kind: "unavailable", reason: "container logs with splunk: see your Splunk index" };
  if (driver !== "awslogs") {
    return { kind: "unavailable", reason: `container logs with ${driver}: see that log destination` };
  }
  const group = options["awslogs-group"];
  const region = options["awslogs-region"] ?? taskRegion;
  if (!group) return { kind: "unavailable", reason: "awslogs configuration names no awslogs-group" };
  const prefix = options["awslogs-stream-prefix"];
  const taskId = arnName(input.taskArn);
  const stream = prefix && taskId ? `${prefix}/${input.containerName}/${taskId}` : input.runtimeId;
  if (!stream) {
    const link = logGroupUrl(partition, region, group);
    return {
      kind: "unavailable",
      reason:
        "awslogs without awslogs-stream-prefix names the stream after the Docker container id, which is unknown",
      ...(link ? { link } : {}),
    };
  }
  return { kind: "awslogs", group, stream, region, partition };
}

/** A CloudWatch Logs client for a region (awslogs-region may differ from the Lambda's). */
export type LogsClientFor = (
  region: string | undefined,
) => CloudWatchLogsClient | Promise<CloudWatchLogsClient>;

export interface LogTailRequest extends LogLocationInput, ShapeOptions {
  /** How many of the last log events to read (default 20). */
  lines?: number;
  /** Time allowed for all reads and pauses together (default 4000 ms). Ignored when `remainingMs` is given. */
  budgetMs?: number;
  /** Time left, e.g. `() => context.getRemainingTimeInMillis() - reserveForNotifying`. */
  remainingMs?: () => number;
  retryDelaysMs?: readonly number[];
}

export interface LogTailDeps {
  logs: LogsClientFor;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  counter?: CallCounter;
}

type ReadOutcome =
  | { kind: "events"; messages: string[] }
  | { kind: "retry"; reason: string }
  | { kind: "final"; reason: string };

const THROTTLING = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "LimitExceededException",
]);

function classifyError(error: unknown): ReadOutcome {
  const name = error instanceof Error ? error.name : "";
  // Missing stream or missing group alike: awslogs-create-group makes the group with the first line, and
  // messages differ between CloudWatch and emulators, so both are waited for.
  if (name === "ResourceNotFoundException") return { kind: "retry", reason: REASONS.notFoundYet };
  if (THROTTLING.has(name)) return { kind: "retry", reason: REASONS.throttled };
  if (name === "AbortError" || name === "TimeoutError") return { kind: "final", reason: REASONS.timedOut };
  if (name === "AccessDeniedException") {
    return { kind: "final", reason: "no permission to read the logs (logs:GetLogEvents)" };
  }
  return { kind: "final", reason: `could not read CloudWatch Logs (${name || "error"})` };
}

/** Runs `call` for at most `ms`; the signal aborts the HTTP request when time is up. */
async function within<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T | "timeout"> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve("timeout");
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function fetchLogTail(request: LogTailRequest, deps: LogTailDeps): Promise<LogTail> {
  const location = resolveLogLocation(request);
  if (location.kind === "unavailable") return location;
  const { group, stream, region, partition } = location;
  const link = logStreamUrl(partition, region, group, stream);
  const unavailable = (reason: string): LogTail => ({
    kind: "unavailable",
    reason,
    ...(link ? { link } : {}),
  });

  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const counter = deps.counter ?? enrichmentCalls;
  const deadline = now() + (request.budgetMs ?? DEFAULT_BUDGET_MS);
  const remaining = request.remainingMs ?? (() => deadline - now());
  const delays = request.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const limit = request.lines ?? DEFAULT_TAIL_LINES;

  let client: CloudWatchLogsClient;
  let GetLogEventsCommand: typeof import("@aws-sdk/client-cloudwatch-logs").GetLogEventsCommand;
  try {
    [client, { GetLogEventsCommand }] = await Promise.all([
      deps.logs(region),
      import("../sdk-commands/cloudwatch-logs.js"),
    ]);
  } catch (error) {
    return unavailable(`could not create a CloudWatch Logs client (${String(error)})`);
  }

  for (let attempt = 0; ; attempt++) {
    const left = remaining();
    if (left < MIN_CALL_MS) return unavailable(REASONS.timedOut);
    counter.count(ENRICH_OPERATIONS.getLogEvents);
    let outcome: ReadOutcome;
    try {
      const response = await within(left, (abortSignal) =>
        client.send(
          new GetLogEventsCommand({
            logGroupName: group,
            logStreamName: stream,
            startFromHead: false,
            limit,
          }),
          { abortSignal },
        ),
      );
      if (response === "timeout") return unavailable(REASONS.timedOut);
      const messages = (response?.events ?? []).map((event) => event.message ?? "");
      outcome =
        messages.length > 0 ? { kind: "events", messages } : { kind: "retry", reason: REASONS.emptySoFar };
    } catch (error) {
      outcome = classifyError(error);
    }
    if (outcome.kind === "events") {
      const shaped = shapeLogLines(outcome.messages.slice(-limit), request);
      return { kind: "lines", lines: shaped.lines, group, stream, link, truncated: shaped.truncated };
    }
    if (outcome.kind === "final") return unavailable(outcome.reason);
    const delay = delays[attempt];
    if (delay === undefined || delay + MIN_CALL_MS > remaining()) return unavailable(outcome.reason);
    await sleep(delay);
  }
}
