/**
 * Issue 13's check, end to end: `ecs-sentinel replay` (the handlers' code path) with a bot token against a strict
 * local stand-in of Slack's Web API, the state table on moto and email on SNS. The story: service `api` deploys,
 * crash-loops, fails and is rolled back by ECS (examples/events 02–06, 13, 14), while service `worker` floods the
 * same minutes with image-pull failures (examples/events/07, adapted: twelve tasks, 20 s apart — new task ARNs,
 * event ids and times). Replayed twice. What Slack shows is counted per thread.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient } from "../../src/app/aws.js";
import { snsClient } from "../../src/app/aws-sns.js";
import { loadConfig } from "../../src/app/config.js";
import { flowDeps } from "../../src/app/events.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { main } from "../../src/cli/main.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";
import { createStateTable } from "../state/support/state-table.js";
import { captureIo } from "../support/cli-io.js";
import {
  type SlackStandin,
  STANDIN_CHANNEL,
  STANDIN_TOKEN,
  type StandinMessage,
  startSlackStandin,
} from "../support/slack-web-api-standin.js";
import { oneRequestAtATime } from "./support/faults.js";
import { readPublishedSnsMessages } from "./support/index.js";

const EXAMPLES = join(import.meta.dirname, "../../examples/events");
const read = (name: string) => readFileSync(join(EXAMPLES, name), "utf8");

const API_STORY = [
  "02-api-deployment-in-progress.json",
  "03-api-crash-1.json",
  "04-api-crash-2.json",
  "05-api-crash-3.json",
  "06-api-deployment-failed.json",
  "13-api-rollback-in-progress.json",
  "14-api-rollback-completed.json",
];

function workerFlood(): Record<string, string> {
  const event = JSON.parse(read("07-worker-image-pull-failed.json")) as {
    id: string;
    time: string;
    detail: Record<string, unknown> & { taskArn: string };
  };
  const start = Date.parse("2025-06-03T10:00:10Z");
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) {
    const at = new Date(start + i * 20_000).toISOString();
    const taskArn = `${event.detail.taskArn.slice(0, -4)}${String(1000 + i)}`;
    files[`worker-${String(i).padStart(2, "0")}.json`] = JSON.stringify({
      ...event,
      id: `0000000${i}-7777-4777-8777-000000000000`.slice(0, 36),
      time: at,
      detail: { ...event.detail, taskArn, stoppedAt: at, stoppingAt: at, executionStoppedAt: at },
    });
  }
  return files;
}

/** Files in event-time order: the two services' stories interleave as EventBridge would deliver them. */
function storyFiles() {
  const files: Record<string, string> = { ...workerFlood() };
  for (const name of API_STORY) files[name] = read(name);
  const order = Object.keys(files).sort(
    (a, b) => Date.parse(JSON.parse(files[a] ?? "{}").time) - Date.parse(JSON.parse(files[b] ?? "{}").time),
  );
  return { files, order };
}

function threads(messages: StandinMessage[]) {
  const parents = messages.filter((m) => !m.thread_ts && !m.deleted && !m.lost);
  return parents.map((parent) => ({
    title: parent.versions.at(-1)?.text ?? "",
    edits: parent.edits,
    replies: messages.filter((m) => m.thread_ts === parent.ts && !m.lost).map((m) => m.text),
  }));
}

let slack: SlackStandin;
beforeAll(async () => {
  // Slack's per-channel limit is kept by the client's pacing in production; here both are fast.
  slack = await startSlackStandin({ postsPerSecond: 1000, burst: 1000 });
});
afterAll(async () => {
  await slack.close();
});

describe("Slack app mode, end to end: a failed and rolled-back deployment beside a crash-loop flood", () => {
  it("gives each story one thread, edits cards instead of posting, and posts nothing new when replayed", async () => {
    // Arrange
    const table = "slack-app-story";
    await createStateTable(dynamoClient(), table);
    const topic = await snsClient().send(new CreateTopicCommand({ Name: `${table}-topic` }));
    const env = {
      SLACK_BOT_TOKEN: STANDIN_TOKEN.token,
      SLACK_CHANNEL: STANDIN_CHANNEL.id,
      SLACK_API_URL: slack.url,
      SLACK_POST_INTERVAL_MS: "0",
      STATE_TABLE: table,
      NOTIFY_TOPIC_ARN: topic.TopicArn ?? "",
    };
    const { files, order } = storyFiles();

    // Act
    const first = Object.assign(captureIo({ files }), { env });
    const firstCode = await main(["replay", ...order], first);
    const afterFirst = { ...slack.counts(STANDIN_CHANNEL.id) };
    const emailsAfterFirst = (await readPublishedSnsMessages(topic.TopicArn ?? "")).length;
    const second = Object.assign(captureIo({ files }), { env });
    const secondCode = await main(["replay", ...order], second);

    // Assert
    expect(first.err()).not.toMatch(/xoxb-/);
    expect([firstCode, secondCode]).toEqual([0, 0]);
    const [api, worker, ...others] = threads(slack.messages);
    expect(others).toEqual([]);
    // The deployment: one card, edited as the story went, its details as replies, ending rolled back.
    expect(api?.title).toMatch(/^\[WARNING\] Rolled back · api · deployment ecs-svc\/4817338263413749021/);
    expect(api?.replies).toEqual([
      // moto has no cluster `prod`: the review and both rollback checks cannot load the service.
      expect.stringContaining("deployment review failed"),
      expect.stringContaining("api · container api exited with code 1"),
      expect.stringContaining("api · crash-loop check failed"),
      expect.stringContaining("SERVICE_DEPLOYMENT_FAILED · api · deployment failed"),
      expect.stringContaining("api · rolling back to ecs-svc/3360874920431052897"),
      expect.stringContaining("api · 2 more app-exit stops between 10:02 and 10:04 UTC"),
    ]);
    expect(api?.edits).toBe(8);
    // The flood: one incident, counted on its card, its digest as the one reply besides the failed check.
    expect(worker?.title).toMatch(/image-pull · worker · container worker could not pull its image/);
    expect(worker?.replies).toEqual([
      expect.stringContaining("worker · crash-loop check failed"),
      expect.stringContaining("worker · 11 more image-pull stops between 10:00 and 10:03 UTC"),
    ]);
    expect(worker?.edits).toBe(3);
    const lastCard = JSON.stringify(slack.messages.find((m) => m.text.includes("worker"))?.versions.at(-1));
    expect(lastCard).toContain("*Occurrences*\\n12");
    // Replayed: nothing new in Slack, nothing new by email.
    expect(afterFirst).toEqual({ topLevel: 2, replies: 8, edits: 11, lost: 0 });
    expect(slack.counts(STANDIN_CHANNEL.id)).toEqual(afterFirst);
    const emails = await readPublishedSnsMessages(topic.TopicArn ?? "");
    expect(emails.length).toBe(emailsAfterFirst);
  });

  it("stays exactly-once when every event arrives twice at the same time", async () => {
    // Arrange: the Lambdas' composition, one cold-started container per copy (moto's DynamoDB made atomic per
    // request, as real DynamoDB is: see support/faults.ts).
    const table = "slack-app-story-concurrent";
    await createStateTable(dynamoClient(), table);
    oneRequestAtATime(dynamoClient());
    const standin = await startSlackStandin({ postsPerSecond: 1000, burst: 1000 });
    const config = loadConfig({
      SLACK_BOT_TOKEN: STANDIN_TOKEN.token,
      SLACK_CHANNEL: STANDIN_CHANNEL.id,
      SLACK_API_URL: standin.url,
      SLACK_POST_INTERVAL_MS: "0",
      STATE_TABLE: table,
      AWS_REGION: process.env.AWS_REGION,
    });
    const log = recordingLogger();
    const container = () => {
      const options = { log, deadline: () => 25_000 };
      const deps = flowDeps(config, options, buildNotifications(config, options));
      return (raw: unknown) => dispatchEvent(raw, deps);
    };
    const twice = (raw: unknown) => [container()(structuredClone(raw)), container()(structuredClone(raw))];
    const { files, order } = storyFiles();
    const parse = (name: string) => JSON.parse(files[name] ?? "{}") as unknown;

    // Act: in event order, each event's two copies at once, each in its own container.
    const results: PromiseSettledResult<unknown>[] = [];
    for (const name of order) results.push(...(await Promise.allSettled(twice(parse(name)))));

    // Assert
    try {
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      const shown = threads(standin.messages);
      const titles = shown.map((t) => t.title);
      expect(titles.filter((t) => /image-pull · worker/.test(t))).toHaveLength(1);
      expect(titles.filter((t) => /^\[WARNING\] Rolled back · api/.test(t))).toHaveLength(1);
      expect(titles).toHaveLength(2);
      const everything = standin.messages.filter((m) => !m.deleted).map((m) => m.text);
      expect(new Set(everything).size).toBe(everything.length);
      for (const thread of shown) expect(new Set(thread.replies).size).toBe(thread.replies.length);
      const worker = standin.messages.find((m) => !m.thread_ts && m.text.includes("image-pull · worker"));
      expect(JSON.stringify(worker?.versions.at(-1))).toContain("*Occurrences*\\n12");
      expect(standin.counts().lost).toBe(0);
    } finally {
      await standin.close();
    }
  });
});
