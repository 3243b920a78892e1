import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient } from "../../src/app/aws.js";
import { snsClient } from "../../src/app/aws-sns.js";
import { main } from "../../src/cli/main.js";
import { createStateTable } from "../state/support/state-table.js";
import { captureIo } from "../support/cli-io.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";
import { readPublishedSnsMessages } from "./support/index.js";

const examples = join(import.meta.dirname, "../../examples/events");
const files = Object.fromEntries(
  readdirSync(examples)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, readFileSync(join(examples, f), "utf8")]),
);
const OOM = "01-api-oom-killed.json";

// Adapted from examples/events/01-api-oom-killed.json: another task ARN, so it is a new event.
const oomEvent = JSON.parse(files[OOM] ?? "{}") as { id: string; detail: { taskArn: string } };
const otherOom = JSON.stringify({
  ...oomEvent,
  id: "11111111-2222-3333-4444-555555555555",
  detail: { ...oomEvent.detail, taskArn: `${oomEvent.detail.taskArn.slice(0, -4)}ffff` },
});

let server: SlackServer;
beforeAll(async () => {
  server = await startSlackServer();
});
afterAll(async () => {
  await server.close();
});

/** A fresh state table and topic, and the environment a real replay reads them from. */
async function stack(name: string) {
  await createStateTable(dynamoClient(), name);
  const topic = await snsClient().send(new CreateTopicCommand({ Name: `${name}-topic` }));
  const topicArn = topic.TopicArn ?? "";
  const env = { SLACK_WEBHOOK_URL: server.url, NOTIFY_TOPIC_ARN: topicArn, STATE_TABLE: name };
  return { topicArn, env };
}

/** The report lines of the n-th event (1-based) of the replay's output. */
function section(out: string, n: number): string {
  return out.split("\n━━ ").find((part) => part.startsWith(`[${n}/`)) ?? "";
}

describe("ecs-sentinel replay (real run) against moto and a local Slack webhook", () => {
  it("prints per event what happened on each channel: sent, duplicate, throttled, routed out", async () => {
    // Arrange
    const { topicArn, env } = await stack("cli-replay-real");
    const io = Object.assign(captureIo({ files }), { env });
    const args = [OOM, OOM, "03-api-crash-1.json", "04-api-crash-2.json", "10-web-scale-in.json"];

    // Act
    const code = await main(["replay", ...args], io);

    // Assert
    expect(code).toBe(0);
    const out = io.out();
    expect(section(out, 1)).toMatch(/→ slack: sent\n\s+→ email: sent/);
    expect(section(out, 2)).toMatch(/not sent: slack duplicate, email duplicate/);
    expect(section(out, 3)).toMatch(/→ slack: sent/);
    expect(section(out, 4)).toMatch(/not sent: slack throttled, email throttled/);
    expect(section(out, 5)).toMatch(/not sent: slack routed-out, email routed-out/);
    expect(out).not.toMatch(/would post|dry run/);
    // What was printed as sent is what arrived.
    const oomPosts = server.requests.filter((r) => JSON.stringify(r.json).includes("ran out of memory"));
    expect(oomPosts).toHaveLength(1);
    const published = await readPublishedSnsMessages(topicArn);
    expect(published.filter((m) => m.subject?.includes("ran out of memory"))).toHaveLength(1);
  });

  it("reports a Slack channel that keeps answering 500 as failed with the error, sends email, exits 1", async () => {
    // Arrange
    const { topicArn, env } = await stack("cli-replay-slack-down");
    server.replyAlways({ status: 500, body: "internal_error" });
    const io = Object.assign(captureIo({ files: { "oom.json": otherOom } }), { env });

    // Act
    const code = await main(["replay", "oom.json"], io).finally(() =>
      server.replyAlways({ status: 200, body: "ok" }),
    );

    // Assert
    expect(code).toBe(1);
    const out = section(io.out(), 1);
    expect(out).toMatch(/→ slack: failed: .*500/);
    expect(out).toMatch(/→ email: sent/);
    expect(io.err()).toMatch(/oom\.json: /);
    expect(await readPublishedSnsMessages(topicArn)).toHaveLength(1);
  });
});
