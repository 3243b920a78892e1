import { describe, expect, it } from "vitest";
import { deliver } from "../../../src/shared/notify/deliver.js";
import { DeliveryError } from "../../../src/shared/notify/transports/errors.js";

const ok = () => async () => {};
const failing = (message: string) => async () => {
  throw new Error(message);
};

describe("deliver (fan-out)", () => {
  it("delivers to every channel and reports each as sent", async () => {
    const report = await deliver([
      { channel: "slack", send: ok() },
      { channel: "email", send: ok() },
    ]);

    expect(report.results).toEqual({ slack: { status: "sent" }, email: { status: "sent" } });
    expect(report.delivered.sort()).toEqual(["email", "slack"]);
  });

  it("still delivers email when Slack fails, then throws DeliveryError naming Slack", async () => {
    const sent: string[] = [];
    const promise = deliver([
      { channel: "slack", send: failing("HTTP 503") },
      { channel: "email", send: async () => void sent.push("email") },
    ]);

    const error = await promise.catch((e: unknown) => e);

    expect(sent).toEqual(["email"]);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).failedChannels).toEqual(["slack"]);
    expect((error as DeliveryError).message).toContain("HTTP 503");
  });

  it("skips channels an earlier attempt delivered", async () => {
    const sent: string[] = [];
    const report = await deliver(
      [
        { channel: "slack", send: async () => void sent.push("slack") },
        { channel: "email", send: async () => void sent.push("email") },
      ],
      { alreadyDelivered: ["email"] },
    );

    expect(sent).toEqual(["slack"]);
    expect(report.results.email).toEqual({ status: "skipped", reason: "duplicate" });
  });

  it("records each success as soon as it happens, also when another channel fails", async () => {
    const recorded: string[] = [];

    await deliver(
      [
        { channel: "slack", send: failing("reset") },
        { channel: "email", send: ok() },
      ],
      { onDelivered: async (channel) => void recorded.push(channel) },
    ).catch(() => undefined);

    expect(recorded).toEqual(["email"]);
  });

  it("keeps a delivered channel as sent when recording it fails", async () => {
    const report = await deliver([{ channel: "slack", send: ok() }], {
      onDelivered: async () => {
        throw new Error("dynamodb down");
      },
    });

    expect(report.results.slack).toEqual({ status: "sent" });
  });
});
