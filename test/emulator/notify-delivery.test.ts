import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryError } from "../../src/shared/notify/transports/errors.js";
import { emulatorNotifier, stoppedTask } from "../notify/delivery/emulator-wiring.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";
import { readPublishedSnsMessages } from "./support/index.js";

let server: SlackServer;
let wiring: Awaited<ReturnType<typeof emulatorNotifier>>;
const ARN = "arn:aws:ecs:us-east-1:123456789012:service/prod/api";

beforeAll(async () => {
  server = await startSlackServer();
  wiring = await emulatorNotifier(server, "notify-delivery");
});
afterAll(async () => {
  await server.close();
});

const slackPostsFor = (title: string) =>
  server.requests.filter((r) => JSON.stringify(r.json).includes(title)).length;
const publishesFor = async (title: string) =>
  (await readPublishedSnsMessages(wiring.topicArn)).filter((m) => m.subject?.includes(title)).length;

describe("notification delivery against moto and a local Slack webhook", () => {
  it("sends one Slack post and one SNS publish for an event delivered twice", async () => {
    const message = stoppedTask("api", "out-of-memory", 1);

    await wiring.service.notify(message, { dedupeKey: "event-1", serviceArn: ARN });
    const again = await wiring.service.notify(message, { dedupeKey: "event-1", serviceArn: ARN });

    expect(again.channels.slack).toEqual({ status: "skipped", reason: "duplicate" });
    expect(slackPostsFor(message.title)).toBe(1);
    expect(await publishesFor(message.title)).toBe(1);
    const published = (await readPublishedSnsMessages(wiring.topicArn)).find((m) =>
      m.subject?.includes(message.title),
    );
    expect(Object.values(published?.attributes ?? {}).every((a) => a.Type === "String")).toBe(true);
    expect(Object.keys(published?.attributes ?? {}).length).toBeGreaterThan(0);
  });

  it("sends one Slack post and one SNS publish when 20 copies arrive concurrently", async () => {
    const message = stoppedTask("api", "out-of-memory", 2);

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        wiring.service.notify(message, { dedupeKey: "event-2", serviceArn: ARN }),
      ),
    );

    expect(outcomes.filter((o) => o.channels.slack?.status === "sent")).toHaveLength(1);
    expect(slackPostsFor(message.title)).toBe(1);
    expect(await publishesFor(message.title)).toBe(1);
  });

  it("publishes email while Slack fails, throws, and the retry posts Slack once without republishing", async () => {
    const message = stoppedTask("api", "out-of-memory", 3);
    server.reply({ status: 500, body: "internal_error" }, { status: 500, body: "internal_error" });

    const failure = await wiring.service.notify(message, { dedupeKey: "event-3" }).catch((e: unknown) => e);
    const publishedAfterFailure = await publishesFor(message.title);
    const retry = await wiring.service.notify(message, { dedupeKey: "event-3" });

    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).failedChannels).toEqual(["slack"]);
    expect(publishedAfterFailure).toBe(1);
    expect(retry.channels).toEqual({
      slack: { status: "sent" },
      email: { status: "skipped", reason: "duplicate" },
    });
    expect(slackPostsFor(message.title)).toBe(1 + 2);
    expect(await publishesFor(message.title)).toBe(1);
  });

  it("stores no state for a message no channel wants", async () => {
    const before = wiring.dynamo.total();

    await wiring.service.notify(stoppedTask("api", "scaling", 4, "info"), { dedupeKey: "event-4" });

    expect(wiring.dynamo.total()).toBe(before);
  });

  it("costs one claim and one completing write for a message without flood control", async () => {
    wiring.dynamo.reset();

    await wiring.service.notify(stoppedTask("api", "out-of-memory", 5, "warning"), { dedupeKey: "event-5" });

    expect(wiring.dynamo.calls).toEqual({ UpdateItemCommand: 2 });
  });
});
