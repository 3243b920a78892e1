/**
 * The task-state Lambda's code path for fault tests: the real composition root (src/app: flowDeps and
 * buildNotifications, with the shared SDK clients, the Slack and SNS transports and the DynamoDB store) on the
 * stack's table and topic in the emulator (localSetup), a real local Slack webhook, and a recording logger.
 * A "container" is one cold start, as lambdaFlowDeps builds it; each invocation gets its own Lambda deadline.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dynamoClient } from "../../../src/app/aws.js";
import { loadConfig } from "../../../src/app/config.js";
import { flowDeps } from "../../../src/app/events.js";
import { buildNotifications } from "../../../src/app/notifications.js";
import type { RuntimeOptions } from "../../../src/app/runtime.js";
import { localSetup } from "../../../src/cli/local-stack.js";
import { type DispatchResult, dispatchEvent } from "../../../src/shared/flows/dispatch.js";
import { type RecordingLogger, recordingLogger } from "../../notify/delivery/recording-logger.js";
import { type RecordedRequest, type SlackServer, startSlackServer } from "../../support/slack-server.js";
import { oneRequestAtATime } from "./faults.js";
import { type PublishedSnsMessage, readPublishedSnsMessages } from "./index.js";

/** What the deployed function gets from getRemainingTimeInMillis at the start of an invocation (timeout 30 s). */
export const DEFAULT_REMAINING_MS = 25_000;

export interface Container {
  /** One invocation with `remainingMs` left on the Lambda clock when it starts. */
  invoke(raw: unknown, remainingMs?: number): Promise<DispatchResult>;
}

export interface FaultPipeline {
  slack: SlackServer;
  topicArn: string;
  stateTable: string;
  log: RecordingLogger;
  /** A warm container shared by the tests that do not care about cold starts. */
  invoke: Container["invoke"];
  /** A new container (cold start), e.g. one per concurrent copy. */
  container(): Container;
  /** Requests Slack received about `service` (no service name may be a part of another one). */
  slackPosts(service: string): RecordedRequest[];
  /** What SNS published to the topic about `service`. */
  emails(service: string): Promise<PublishedSnsMessage[]>;
  close(): Promise<void>;
}

export async function startFaultPipeline(stage: string): Promise<FaultPipeline> {
  const slack = await startSlackServer();
  const { stateTable, topicArn } = await localSetup({ stage });
  oneRequestAtATime(dynamoClient());
  const config = loadConfig({
    STATE_TABLE: stateTable,
    NOTIFY_TOPIC_ARN: topicArn,
    SLACK_WEBHOOK_URL: slack.url,
    AWS_REGION: process.env.AWS_REGION,
  });
  const log = recordingLogger();

  const container = (): Container => {
    let endsAt = Date.now() + DEFAULT_REMAINING_MS;
    const options: RuntimeOptions = { log, deadline: () => endsAt - Date.now() };
    const deps = flowDeps(config, options, buildNotifications(config, options));
    return {
      invoke: (raw, remainingMs = DEFAULT_REMAINING_MS) => {
        endsAt = Date.now() + remainingMs;
        return dispatchEvent(raw, deps);
      },
    };
  };
  const warm = container();

  return {
    slack,
    topicArn,
    stateTable,
    log,
    invoke: warm.invoke,
    container,
    slackPosts: (service) => slack.requests.filter((request) => request.body.includes(service)),
    emails: async (service) =>
      (await readPublishedSnsMessages(topicArn)).filter((email) => email.message.includes(service)),
    close: () => slack.close(),
  };
}

const fixtures = join(import.meta.dirname, "../../fixtures/stopped-tasks");
const ACCOUNT = "123456789012";
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/faults`;

/**
 * A stopped task of service `service`, from a fixture (default: out-of-memory, critical, so both Slack and
 * email get it). Every test uses its own service, so de-duplication and flood control never link two tests.
 */
export function stoppedTaskEvent(
  service: string,
  fixture = "out-of-memory--fargate-exit-137.json",
): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(join(fixtures, fixture), "utf8")) as Record<string, unknown> & {
    detail: Record<string, unknown> & { containers: Record<string, unknown>[] };
  };
  const taskArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/faults/${service}-task`;
  return {
    ...raw,
    id: randomUUID(),
    account: ACCOUNT,
    region: "us-east-1",
    resources: [taskArn],
    detail: {
      ...raw.detail,
      clusterArn: CLUSTER_ARN,
      group: `service:${service}`,
      taskArn,
      containers: raw.detail.containers.map((container) => ({ ...container, taskArn })),
    },
  };
}
