import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../src/shared/slack-actions/types.js";
import { advance, post, standin, start } from "./slack-standin-harness.js";
import { STANDIN_CHANNEL } from "./slack-web-api-standin.js";

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** An endpoint that acknowledges every click with 200 (the response_url is used by the test itself). */
async function acknowledging(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/actions`;
}

async function clicked() {
  await start();
  const { body } = await post({
    text: "Deployment of api failed",
    blocks: [
      {
        type: "actions",
        elements: [
          { type: "button", action_id: ACTION_IDS.rollback, text: { type: "plain_text", text: "Roll back" } },
        ],
      },
    ],
  });
  const ts = String(body.ts);
  const click = await standin().click({
    channel: STANDIN_CHANNEL.id,
    ts,
    actionId: ACTION_IDS.rollback,
    user: { id: "U0APPROVER", name: "ana" },
    endpoint: await acknowledging(),
    signingSecret: "secret",
  });
  return { ts, click };
}

async function respond(url: string, body: unknown, contentType = "application/json") {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("Slack stand-in: response_url", () => {
  it("shows a response to the clicker only by default, and posts nothing in the channel", async () => {
    const { click } = await clicked();

    const answer = await respond(click.responseUrl, { text: "Rolling back api to api:41…" });

    expect(answer).toEqual({ status: 200, body: { ok: true } });
    expect(standin().responses(click.clickId)).toMatchObject([
      {
        answer: "ok",
        effect: "ephemeral",
        userId: "U0APPROVER",
        json: { text: "Rolling back api to api:41…" },
      },
    ]);
    expect(standin().counts()).toEqual({ topLevel: 1, replies: 0, edits: 0, lost: 0 });
  });

  it("posts an in_channel response in the channel or its thread", async () => {
    const { ts, click } = await clicked();

    await respond(click.responseUrl, { text: "done", response_type: "in_channel" });
    await respond(click.responseUrl, { text: "in thread", response_type: "in_channel", thread_ts: ts });

    expect(standin().counts()).toEqual({ topLevel: 2, replies: 1, edits: 0, lost: 0 });
  });

  it("replaces or deletes the message that carried the button", async () => {
    const { ts, click } = await clicked();

    await respond(click.responseUrl, {
      replace_original: true,
      text: "Rolled back by @ana",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "Rolled back by <@U0APPROVER>" } }],
    });
    const original = standin().messages.find((m) => m.ts === ts);
    const replaced = original?.versions.length;
    await respond(click.responseUrl, { delete_original: true });

    expect(replaced).toBe(2);
    expect(original?.text).toBe("Rolled back by @ana");
    expect(original?.deleted).toBe(true);
    expect(
      standin()
        .responses()
        .map((r) => r.effect),
    ).toEqual(["replaced_original", "deleted_original"]);
  });

  it("accepts five uses and answers used_url to the sixth", async () => {
    const { click } = await clicked();

    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await respond(click.responseUrl, { text: `#${i}` }));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 404]);
    expect(answers[5]?.body.error).toBe("used_url");
  });

  it("expires 30 minutes after the click, by the stand-in clock", async () => {
    const { click } = await clicked();
    advance(30 * 60 * 1000);
    const last = await respond(click.responseUrl, { text: "just in time" });
    advance(1);

    const late = await respond(click.responseUrl, { text: "too late" });

    expect(last.status).toBe(200);
    expect([late.status, late.body.error]).toEqual([404, "expired_url"]);
  });

  it.each([
    ["no text nor blocks", { response_type: "ephemeral" }, "application/json", 400, "no_text"],
    ["a body that is not JSON", "text=hello", "application/x-www-form-urlencoded", 400, "invalid_payload"],
    [
      "an unknown response_type",
      { text: "x", response_type: "public" },
      "application/json",
      400,
      "invalid_payload",
    ],
    [
      "invalid blocks",
      { blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }] },
      "application/json",
      400,
      "invalid_blocks",
    ],
  ] as const)("refuses %s, and the refusal uses nothing up", async (_name, body, type, status, error) => {
    const { click } = await clicked();

    const refused = await respond(click.responseUrl, body, type);
    for (let i = 0; i < 5; i++) await respond(click.responseUrl, { text: `#${i}` });

    expect([refused.status, refused.body.error]).toEqual([status, error]);
    expect(
      standin()
        .responses(click.clickId)
        .filter((r) => r.answer === "ok"),
    ).toHaveLength(5);
  });

  it("answers no_such_url for a response_url it never handed out", async () => {
    const { click } = await clicked();

    const answer = await respond(`${click.responseUrl}x`, { text: "x" });

    expect([answer.status, answer.body.error]).toEqual([404, "no_such_url"]);
    expect(standin().responses()).toHaveLength(0);
  });
});
