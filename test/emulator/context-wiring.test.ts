/**
 * The composition root turns alert context on for deployed handlers and live replays, and off, with no AWS
 * call, for `replay --dry-run` and where no AWS region is configured.
 */
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient } from "../../src/app/aws.js";
import { loadConfig } from "../../src/app/config.js";
import { flowDeps } from "../../src/app/events.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { runReplay } from "../../src/cli/replay.js";
import { enrichmentCalls } from "../../src/shared/enrich/call-counter.js";
import { handleTaskStateChange } from "../../src/shared/flows/task-stopped.js";
import { silentLog } from "../../src/shared/log.js";
import { createStateTable } from "../state/support/state-table.js";
import { captureIo } from "../support/cli-io.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";
import { type ContextWorld, createContextWorld, slackText, writeContainerLog } from "./context-fixture.js";

const TABLE = "context-wiring";
let server: SlackServer;
let world: ContextWorld;

beforeAll(async () => {
  server = await startSlackServer();
  world = await createContextWorld(server, `${TABLE}-fixture`);
  await createStateTable(dynamoClient(), TABLE);
});
afterAll(async () => {
  await server.close();
});

function environment(): Record<string, string> {
  return { SLACK_WEBHOOK_URL: server.url, STATE_TABLE: TABLE, AWS_REGION: "us-east-1" };
}

async function historyItems(): Promise<number> {
  const { Items = [] } = await dynamoClient().send(new ScanCommand({ TableName: TABLE }));
  return Items.filter((item) => item.pk?.S?.startsWith("history#")).length;
}

describe("alert context wiring", () => {
  it("gives a handler's alert the log tail, what changed and a history record", async () => {
    await writeContainerLog("wired-1", ["fatal: wired crash"]);
    const config = loadConfig(environment());
    const options = { log: silentLog, deadline: () => 30_000 };
    const deps = flowDeps(config, options, buildNotifications(config, options));

    await handleTaskStateChange(world.event({ taskId: "wired-1" }), deps);

    const [post] = world.slackPostsAbout("wired-1");
    expect(slackText(post)).toContain("```\nfatal: wired crash\n```");
    expect(slackText(post)).toContain("*What changed*\nSince api:1, the last successful revision:");
    expect(await historyItems()).toBe(2);
  });

  it("turns context off where no AWS region is configured", () => {
    const config = loadConfig({ SLACK_WEBHOOK_URL: server.url });
    const options = { log: silentLog, deadline: () => 30_000 };

    const deps = flowDeps(config, options, buildNotifications(config, options));

    expect(deps.enrichment).toBeUndefined();
  });

  it("makes no context call in replay --dry-run", async () => {
    const event = world.event({ taskId: "dry-1" });
    const io = captureIo({ files: { "event.json": JSON.stringify(event) } });
    io.env = environment();
    const before = enrichmentCalls.snapshot();
    const recordsBefore = await historyItems();

    const status = await runReplay(["--dry-run", "event.json"], io);

    expect(status).toBe(0);
    expect(io.out()).toContain("ran out of memory");
    expect(enrichmentCalls.snapshot()).toEqual(before);
    expect(await historyItems()).toBe(recordsBefore);
  });
});
