import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../src/shared/slack-actions/types.js";
import { advance, call, post, standin, start } from "./slack-standin-harness.js";
import { STANDIN_APP, STANDIN_CHANNEL, STANDIN_TOKEN, slackSignature } from "./slack-web-api-standin.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const APPROVER = { id: "U0APPROVER", name: "ana" };

/** A tiny interactivity endpoint: verifies Slack's signature with node:crypto alone, records what it got. */
async function endpoint(answer: { status: number; body: string } = { status: 200, body: "" }) {
  const received: Array<{ headers: IncomingHttpHeaders; body: string; signatureValid: boolean }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(req.headers["x-slack-request-timestamp"] ?? "");
      const expected = Buffer.from(
        `v0=${createHmac("sha256", SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}`,
      );
      const given = Buffer.from(String(req.headers["x-slack-signature"] ?? ""));
      const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      received.push({ headers: req.headers, body, signatureValid });
      res.writeHead(answer.status, { "content-type": "text/plain" });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/slack/actions`, received };
}
const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

const rollbackButton = {
  type: "button",
  action_id: ACTION_IDS.rollback,
  text: { type: "plain_text", text: "Roll back" },
  value: "ref-7f3a",
  style: "danger",
  confirm: {
    title: { type: "plain_text", text: "Roll back api?" },
    text: { type: "plain_text", text: "api goes back to api:41." },
    confirm: { type: "plain_text", text: "Roll back" },
    deny: { type: "plain_text", text: "Cancel" },
  },
};
const card = (buttons: unknown[] = [rollbackButton]) => ({
  text: "Deployment of api failed",
  blocks: [
    { type: "section", text: { type: "mrkdwn", text: "*api* failed" } },
    { type: "actions", block_id: "ecs-sentinel.actions", elements: buttons },
  ],
});

async function postedCard(extra: Record<string, unknown> = {}) {
  const { body } = await post({ ...card(), ...extra });
  expect(body.ok, JSON.stringify(body)).toBe(true);
  return String(body.ts);
}

const formPayload = (body: string) => JSON.parse(new URLSearchParams(body).get("payload") ?? "null");

describe("Slack stand-in: signing as Slack documents it", () => {
  it("reproduces Slack's worked example of a request signature", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    const signature = slackSignature(SECRET, 1531420618, body);

    expect(signature).toBe("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
  });
});

describe("Slack stand-in: clicking a button", () => {
  it("POSTs a form-encoded block_actions payload that an independent HMAC check accepts", async () => {
    await start();
    const ts = await postedCard();
    const target = await endpoint({ status: 200, body: "" });

    const result = await standin().click({
      channel: STANDIN_CHANNEL.id,
      ts,
      actionId: ACTION_IDS.rollback,
      user: APPROVER,
      endpoint: target.url,
      signingSecret: SECRET,
    });

    expect(result.status).toBe(200);
    expect(result.ms).toBeGreaterThan(0);
    const [request] = target.received;
    expect(request?.signatureValid).toBe(true);
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request?.headers["x-slack-request-timestamp"]).toBe("1765000000");
    expect(request?.headers["x-slack-retry-num"]).toBeUndefined();
    expect(formPayload(request?.body ?? "")).toEqual(result.payload);
  });

  it("builds the payload Slack documents from the message as posted", async () => {
    await start();
    const ts = await postedCard();
    const target = await endpoint();

    const { payload, responseUrl } = await standin().click({
      channel: "ecs-alerts",
      ts,
      actionId: ACTION_IDS.rollback,
      user: APPROVER,
      endpoint: target.url,
      signingSecret: SECRET,
    });

    expect(payload).toMatchObject({
      type: "block_actions",
      user: { id: "U0APPROVER", username: "ana", name: "ana", team_id: STANDIN_APP.teamId },
      api_app_id: STANDIN_APP.apiAppId,
      token: STANDIN_APP.verificationToken,
      container: { type: "message", message_ts: ts, channel_id: STANDIN_CHANNEL.id, is_ephemeral: false },
      team: { id: STANDIN_APP.teamId, domain: STANDIN_APP.teamDomain },
      channel: { id: STANDIN_CHANNEL.id, name: STANDIN_CHANNEL.name },
      message: { type: "message", ts, user: STANDIN_TOKEN.botUserId, bot_id: STANDIN_TOKEN.botId },
      response_url: responseUrl,
      actions: [
        {
          action_id: ACTION_IDS.rollback,
          block_id: "ecs-sentinel.actions",
          text: { type: "plain_text", text: "Roll back" },
          value: "ref-7f3a",
          style: "danger",
          type: "button",
        },
      ],
    });
    expect(payload.container).not.toHaveProperty("thread_ts");
    expect(String(payload.trigger_id)).toMatch(/^\d+\.\w+\.[0-9a-f]{32}$/);
    const action = (payload.actions as Array<Record<string, unknown>>)[0];
    expect(String(action?.action_ts)).toMatch(/^1765000000\.\d{6}$/);
    expect(responseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/actions\/\w+$/);
    const blocks = (payload.message as { blocks: Array<{ block_id?: string }> }).blocks;
    expect(blocks[0]?.block_id).toMatch(/^[\w-]{5}$/);
    expect(blocks[1]?.block_id).toBe("ecs-sentinel.actions");
  });

  it("names the Grid organization of an enterprise workspace, and another workspace's team for a click from it", async () => {
    await start({ app: { enterpriseId: "E0ACMEORG1" } });
    const ts = await postedCard();
    const target = await endpoint();
    const click = { channel: "ecs-alerts", ts, actionId: ACTION_IDS.rollback, user: APPROVER };

    const ours = await standin().click({ ...click, endpoint: target.url, signingSecret: SECRET });
    const theirs = await standin().click({
      ...click,
      endpoint: target.url,
      signingSecret: SECRET,
      from: { teamId: "T0THEIRS01" },
    });

    expect(ours.payload).toMatchObject({
      team: { id: STANDIN_APP.teamId },
      user: { team_id: STANDIN_APP.teamId },
      enterprise: { id: "E0ACMEORG1" },
    });
    expect(theirs.payload).toMatchObject({
      team: { id: "T0THEIRS01" },
      user: { team_id: "T0THEIRS01" },
      enterprise: null,
    });
    expect(target.received.every((request) => request.signatureValid)).toBe(true);
  });

  it("gives each click its own response_url, and a reply's container its thread", async () => {
    await start();
    const parent = await postedCard();
    const reply = await postedCard({ thread_ts: parent });
    const target = await endpoint();
    const click = (ts: string) =>
      standin().click({
        channel: STANDIN_CHANNEL.id,
        ts,
        actionId: ACTION_IDS.rollback,
        user: APPROVER,
        endpoint: target.url,
        signingSecret: SECRET,
      });

    const first = await click(parent);
    const second = await click(reply);

    expect(first.responseUrl).not.toBe(second.responseUrl);
    expect(second.payload.container).toMatchObject({ message_ts: reply, thread_ts: parent });
    expect(second.payload.message).toMatchObject({ thread_ts: parent });
  });

  it("clicks only what the message's latest version carries", async () => {
    await start();
    const ts = await postedCard();
    const target = await endpoint();
    const mute = {
      ...rollbackButton,
      action_id: ACTION_IDS["mute-1h"],
      confirm: undefined,
      style: undefined,
    };
    const options = {
      channel: STANDIN_CHANNEL.id,
      ts,
      user: APPROVER,
      endpoint: target.url,
      signingSecret: SECRET,
    };
    const edit = await call("chat.update", { channel: STANDIN_CHANNEL.id, ts, ...card([mute]) });
    expect(edit.body.ok, JSON.stringify(edit.body)).toBe(true);

    await expect(standin().click({ ...options, actionId: ACTION_IDS.rollback })).rejects.toThrow(
      /version 2\) carries no button with action_id ecs-sentinel.rollback/,
    );
    const muted = await standin().click({ ...options, actionId: ACTION_IDS["mute-1h"] });
    standin().deleteMessage(STANDIN_CHANNEL.id, ts);
    await expect(standin().click({ ...options, actionId: ACTION_IDS["mute-1h"] })).rejects.toThrow(/deleted/);

    expect(muted.status).toBe(200);
    expect(target.received).toHaveLength(1);
  });

  it("finds a button that is a section's accessory", async () => {
    await start();
    const { body } = await post({
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "x" }, accessory: rollbackButton }],
    });
    const target = await endpoint();

    const { payload } = await standin().click({
      channel: STANDIN_CHANNEL.id,
      ts: String(body.ts),
      actionId: ACTION_IDS.rollback,
      user: APPROVER,
      endpoint: target.url,
      signingSecret: SECRET,
    });

    expect((payload.actions as Array<{ value: string }>)[0]?.value).toBe("ref-7f3a");
  });

  it("returns the endpoint's status and body", async () => {
    await start();
    const ts = await postedCard();
    const target = await endpoint({ status: 401, body: "invalid signature" });

    const result = await standin().click({
      channel: STANDIN_CHANNEL.id,
      ts,
      actionId: ACTION_IDS.rollback,
      user: APPROVER,
      endpoint: target.url,
      signingSecret: "not-the-secret",
    });

    expect([result.status, result.body]).toEqual([401, "invalid signature"]);
    expect(target.received[0]?.signatureValid).toBe(false);
  });
});

describe("Slack stand-in: attacks and retries", () => {
  async function clickWith(extra: Record<string, unknown>) {
    await start();
    const ts = await postedCard();
    const target = await endpoint();
    const result = await standin().click({
      channel: STANDIN_CHANNEL.id,
      ts,
      actionId: ACTION_IDS.rollback,
      user: APPROVER,
      endpoint: target.url,
      signingSecret: SECRET,
      ...extra,
    });
    return { result, request: target.received[0], target };
  }

  it("delivers an edited value with a valid signature", async () => {
    const { request } = await clickWith({ tamper: { value: "service=payments" } });

    expect(request?.signatureValid).toBe(true);
    expect(formPayload(request?.body ?? "").actions[0].value).toBe("service=payments");
  });

  it("signs an old or a future timestamp as given", async () => {
    const { request } = await clickWith({ timestamp: 1_765_000_000 - 301 });

    expect(request?.headers["x-slack-request-timestamp"]).toBe("1764999699");
    expect(request?.signatureValid).toBe(true);
  });

  it.each([
    ["a body edited after signing", { body: (b: string) => b.replace("ref-7f3a", "ref-0000") }],
    ["a forged signature", { signature: `v0=${"0".repeat(64)}` }],
    ["a timestamp header changed after signing", { timestampHeader: "1765000100" }],
  ])("breaks the signature with %s", async (_name, tamper) => {
    const { request } = await clickWith({ tamper });

    expect(request?.signatureValid).toBe(false);
  });

  it("leaves out the signature headers when asked", async () => {
    const { request } = await clickWith({ tamper: { signature: null, timestampHeader: null } });

    expect(request?.headers).not.toHaveProperty("x-slack-signature");
    expect(request?.headers).not.toHaveProperty("x-slack-request-timestamp");
  });

  it("redelivers the very same payload as Slack's retry, signed anew", async () => {
    const { result, target } = await clickWith({});
    advance(3_500);

    const retried = await standin().redeliver(result.clickId, { retry: 1 });
    const marked = await standin().click({
      channel: STANDIN_CHANNEL.id,
      ts: String(result.payload.container && (result.payload.container as { message_ts: string }).message_ts),
      actionId: ACTION_IDS.rollback,
      user: APPROVER,
      endpoint: target.url,
      signingSecret: SECRET,
      retry: 3,
    });

    const [, second, third] = target.received;
    expect(formPayload(second?.body ?? "")).toEqual(result.payload);
    expect(second?.headers).toMatchObject({
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
      "x-slack-request-timestamp": "1765000003",
    });
    expect(second?.signatureValid).toBe(true);
    expect(retried.responseUrl).toBe(result.responseUrl);
    expect(third?.headers["x-slack-retry-num"]).toBe("3");
    expect(marked.responseUrl).not.toBe(result.responseUrl);
  });
});
