/**
 * A service in moto for the alert context tests: cluster `prod`, task definition `api` revisions 1 (image
 * 1.4.2, 512 MiB) and 2 (image 1.5.0, 256 MiB) logging with awslogs to /ecs/api, a service `api` created on
 * revision 1 and updated to 2, a state table and a local Slack webhook; the task flow wired with the real
 * adapters, a counter of context calls and a notifier clock the tests move.
 */
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateServiceCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { dynamoDocumentClient, ecsClient, logsClient, logsClientsByRegion } from "../../src/app/aws.js";
import {
  buildTaskEnrichment,
  type EnrichmentSettings,
  taskDefinitionContextLoader,
} from "../../src/app/enrichment.js";
import { CallCounter } from "../../src/shared/enrich/call-counter.js";
import { buildTaskDefinitionLoader } from "../../src/shared/enrich/task-definition-cache.js";
import type { TaskStateChangeEvent } from "../../src/shared/events/parse.js";
import { handleTaskStateChange, type TaskFlowDeps } from "../../src/shared/flows/task-stopped.js";
import { silentLog } from "../../src/shared/log.js";
import { asNotifier } from "../../src/shared/notify/as-notifier.js";
import { stoppedTaskEvent, type TaskEventOptions } from "../flows/support/task-events.js";
import { emulatorNotifier } from "../notify/delivery/emulator-wiring.js";
import type { SlackServer } from "../support/slack-server.js";
import { createCluster, registerTaskDefinition } from "./support/index.js";

export const LOG_GROUP = "/ecs/api";
const FLOOD_WINDOW_MS = 10 * 60 * 1000;

function apiRevision(image: string, memory: number): Promise<string> {
  return registerTaskDefinition({
    family: "api",
    containerName: "web",
    image,
    container: {
      memory,
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": LOG_GROUP,
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "ecs",
        },
      },
    },
  });
}

export interface ContextWorld {
  revisions: { good: string; failing: string };
  counter: CallCounter;
  tableName: string;
  /** Runs one event through the task flow; the notifier clock moves past the flood window first. */
  alert(
    event: TaskStateChangeEvent,
    overrides?: Partial<TaskFlowDeps>,
  ): ReturnType<typeof handleTaskStateChange>;
  /** The flow's dependencies, built again with other context ports (a refusing CloudWatch Logs, ...). */
  deps(options?: WorldOptions): TaskFlowDeps;
  event(options: TaskEventOptions): TaskStateChangeEvent;
  /** The Slack payloads posted whose JSON contains `text`. */
  slackPostsAbout(text: string): unknown[];
}

export interface WorldOptions {
  logs?: CloudWatchLogsClient;
  sleep?: (ms: number) => Promise<void>;
  settings?: Partial<EnrichmentSettings>;
  /** A task definition cache of its own, as in a new Lambda container. */
  coldStart?: boolean;
}

export async function createContextWorld(server: SlackServer, tableName: string): Promise<ContextWorld> {
  const clusterArn = await createCluster("prod");
  const good = await apiRevision("public.ecr.aws/example/api:1.4.2", 512);
  const failing = await apiRevision("public.ecr.aws/example/api:1.5.0", 256);
  await ecsClient().send(
    new CreateServiceCommand({
      cluster: clusterArn,
      serviceName: "api",
      taskDefinition: good,
      desiredCount: 1,
    }),
  );
  await ecsClient().send(
    new UpdateServiceCommand({ cluster: clusterArn, service: "api", taskDefinition: failing }),
  );
  await (await logsClient()).send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));

  const notifications = await emulatorNotifier(server, tableName);
  let clock = Date.parse("2024-05-02T00:00:00Z");
  const counter = new CallCounter();
  const loadTaskDefinition = buildTaskDefinitionLoader(ecsClient(), { counter });

  const deps = (options: WorldOptions = {}): TaskFlowDeps => {
    const { logs } = options;
    const loader = options.coldStart
      ? buildTaskDefinitionLoader(ecsClient(), { counter })
      : loadTaskDefinition;
    return {
      notify: asNotifier(notifications.service),
      log: silentLog,
      taskDefinitionContext: taskDefinitionContextLoader(loader),
      enrichment: buildTaskEnrichment(
        {
          logTailLines: 20,
          historyRetentionDays: 30,
          enrichBudgetMs: 4000,
          stateTable: tableName,
          ...options.settings,
        },
        {
          ecs: ecsClient(),
          logs: logs ? () => logs : logsClientsByRegion(),
          dynamo: dynamoDocumentClient(),
          loadTaskDefinition: loader,
          counter,
          // Log lag is simulated by the tests: no real pauses between reads.
          sleep: options.sleep ?? (async () => {}),
        },
      ),
    };
  };
  const standard = deps();

  return {
    revisions: { good, failing },
    counter,
    tableName,
    alert: (event, overrides = {}) => {
      clock += FLOOD_WINDOW_MS + 1;
      notifications.setNow(clock);
      return handleTaskStateChange(event, { ...standard, ...overrides });
    },
    deps,
    event: (options) => stoppedTaskEvent({ taskDefinition: failing, ...options }),
    slackPostsAbout: (text) =>
      server.requests.map((request) => request.json).filter((json) => JSON.stringify(json).includes(text)),
  };
}

/** Writes a container's log stream `ecs/web/<taskId>` as the awslogs driver would. */
export async function writeContainerLog(taskId: string, messages: readonly string[]): Promise<void> {
  const logStreamName = `ecs/web/${taskId}`;
  await (await logsClient()).send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName }));
  const start = Date.now() - messages.length;
  await (await logsClient()).send(
    new PutLogEventsCommand({
      logGroupName: LOG_GROUP,
      logStreamName,
      logEvents: messages.map((message, i) => ({ message, timestamp: start + i })),
    }),
  );
}

/** The text of every Block Kit section of a payload, joined: what a reader sees. */
export function slackText(payload: unknown): string {
  const blocks = (
    payload as { blocks?: Array<{ text?: { text?: string }; fields?: Array<{ text: string }> }> }
  ).blocks;
  return (blocks ?? [])
    .flatMap((block) => [block.text?.text ?? "", ...(block.fields ?? []).map((field) => field.text)])
    .join("\n");
}
