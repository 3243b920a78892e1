import { describe, expect, it } from "vitest";
import { fromDiagnosis } from "../../src/shared/notify/from-diagnosis.js";
import { renderSlack } from "../../src/shared/notify/render/index.js";
import { DIAGNOSES } from "../notify/render/diagnoses.js";
import {
  advance,
  call,
  NO_SCOPE,
  OTHER_BOT,
  PUBLIC_POSTER,
  post,
  standin,
  start,
} from "./slack-standin-harness.js";
import { STANDIN_CHANNEL, STANDIN_TOKEN } from "./slack-web-api-standin.js";

describe("Slack Web API stand-in: authentication", () => {
  it("answers not_authed without a bearer token, even when the JSON body carries one", async () => {
    await start();

    const { body } = await post({ token: STANDIN_TOKEN.token }, { token: null });

    expect(body).toEqual({ ok: false, error: "not_authed" });
    expect(standin().messages).toHaveLength(0);
  });

  it("answers invalid_auth for an unknown token and token_revoked for a revoked one", async () => {
    await start();

    const unknown = await post({}, { token: "xoxb-not-a-known-token" });
    standin().revoke(STANDIN_TOKEN.token);
    const revoked = await post({});

    expect(unknown.body.error).toBe("invalid_auth");
    expect(revoked.body.error).toBe("token_revoked");
  });

  it("answers missing_scope naming the needed and provided scopes for a token without chat:write", async () => {
    await start();

    const { body } = await post({}, { token: NO_SCOPE.token });

    expect(body).toEqual({
      ok: false,
      error: "missing_scope",
      needed: "chat:write",
      provided: "channels:read",
    });
  });

  it("answers missing_post_type without a Content-Type and warns missing_charset when no charset is given", async () => {
    await start();

    const missing = await post({}, { contentType: null });
    const noCharset = await post({}, { contentType: "application/json" });

    expect(missing.body.error).toBe("missing_post_type");
    expect(noCharset.body.ok).toBe(true);
    expect(noCharset.body.warning).toBe("missing_charset");
  });
});

describe("Slack Web API stand-in: chat.postMessage", () => {
  it("answers the channel ID (also for a channel name) and unique, increasing ts", async () => {
    await start();

    const answers = [
      await post({}),
      await post({ channel: "#ecs-alerts" }),
      await post({ channel: "ecs-alerts" }),
    ];

    const ts = answers.map((a) => a.body.ts as string);
    expect(answers.map((a) => a.body.channel)).toEqual([
      STANDIN_CHANNEL.id,
      STANDIN_CHANNEL.id,
      STANDIN_CHANNEL.id,
    ]);
    expect(ts[0]).toMatch(/^1765000000\.\d{6}$/);
    expect(new Set(ts).size).toBe(3);
    expect([...ts].sort()).toEqual(ts);
    expect(standin().counts()).toEqual({ topLevel: 3, replies: 0, edits: 0, lost: 0 });
  });

  it("answers channel_not_found for an unknown channel and for a private channel the bot is not in", async () => {
    await start();

    const unknown = await post({ channel: "C0NOPE0000" });
    const privateChannel = await post({ channel: "G0PRIVATE1" }, { token: PUBLIC_POSTER.token });

    expect(unknown.body.error).toBe("channel_not_found");
    expect(privateChannel.body.error).toBe("channel_not_found");
  });

  it("answers not_in_channel to a bot that was not invited, unless it has chat:write.public", async () => {
    await start();

    const uninvited = await post({ channel: "C0UNINVITE" });
    const publicScope = await post({ channel: "C0UNINVITE" }, { token: PUBLIC_POSTER.token });

    expect(uninvited.body.error).toBe("not_in_channel");
    expect(publicScope.body.ok).toBe(true);
  });

  it("answers is_archived once the channel is archived", async () => {
    await start();
    standin().archive(STANDIN_CHANNEL.id);

    const { body } = await post({});

    expect(body.error).toBe("is_archived");
  });

  it("answers no_text without text or blocks, and msg_too_long past 40,000 characters", async () => {
    await start();

    const empty = await post({ text: "" });
    const atLimit = await post({ text: "x".repeat(40_000) });
    const tooLong = await post({ text: "x".repeat(40_001) });

    expect(empty.body.error).toBe("no_text");
    expect(atLimit.body.ok).toBe(true);
    expect(tooLong.body.error).toBe("msg_too_long");
  });

  it("accepts the blocks ecs-sentinel renders for every diagnosis category", async () => {
    await start();

    for (const diagnosis of Object.values(DIAGNOSES)) {
      const payload = renderSlack(fromDiagnosis(diagnosis));
      const { body } = await post({ text: payload.text, blocks: payload.blocks });
      expect(body.ok, `${diagnosis.category}: ${JSON.stringify(body)}`).toBe(true);
    }
  });
});

describe("Slack Web API stand-in: threads", () => {
  it("counts a post under a top-level message as a reply", async () => {
    await start();
    const parent = await post({ text: "deployment started" });

    const reply = await post({ text: "task stopped", thread_ts: parent.body.ts });

    expect(reply.body.ok).toBe(true);
    expect(standin().counts(STANDIN_CHANNEL.id)).toEqual({ topLevel: 1, replies: 1, edits: 0, lost: 0 });
    expect(standin().messages[1]?.thread_ts).toBe(parent.body.ts);
  });

  it("accepts like Slack but shows nowhere a post whose thread_ts is a reply, unknown, deleted or in another channel", async () => {
    await start();
    const parent = await post({ text: "parent" });
    const reply = await post({ thread_ts: parent.body.ts });
    const gone = await post({ text: "to delete" });
    standin().deleteMessage(STANDIN_CHANNEL.id, gone.body.ts as string);
    const elsewhere = await post({ channel: "C0OTHER001" });

    const answers = [
      await post({ thread_ts: reply.body.ts }),
      await post({ thread_ts: "1765000000.999999" }),
      await post({ thread_ts: gone.body.ts }),
      await post({ thread_ts: elsewhere.body.ts }),
    ];

    expect(answers.map((a) => a.body.ok)).toEqual([true, true, true, true]);
    expect(standin().counts(STANDIN_CHANNEL.id)).toEqual({ topLevel: 1, replies: 1, edits: 0, lost: 4 });
    expect(
      standin()
        .messages.filter((m) => m.lost)
        .map((m) => m.lost),
    ).toEqual([
      `thread_ts ${reply.body.ts} is a reply, not a parent`,
      `thread_ts 1765000000.999999 is no message of ${STANDIN_CHANNEL.id}`,
      `thread_ts ${gone.body.ts} was deleted`,
      `thread_ts ${elsewhere.body.ts} is no message of ${STANDIN_CHANNEL.id}`,
    ]);
  });
});

describe("Slack Web API stand-in: chat.update", () => {
  it("edits the token's own message and keeps every version", async () => {
    await start();
    const parent = await post({ text: "v1" });

    const { body } = await call("chat.update", {
      channel: STANDIN_CHANNEL.id,
      ts: parent.body.ts,
      text: "v2",
    });

    expect(body).toMatchObject({ ok: true, channel: STANDIN_CHANNEL.id, ts: parent.body.ts, text: "v2" });
    expect(standin().messages[0]?.versions.map((v) => v.text)).toEqual(["v1", "v2"]);
    expect(standin().counts()).toEqual({ topLevel: 1, replies: 0, edits: 1, lost: 0 });
  });

  it("answers message_not_found for an unknown or deleted ts and cant_update_message for another bot's message", async () => {
    await start();
    const mine = await post({ channel: "C0OTHER001" });
    const theirs = await post({ channel: "C0OTHER001" }, { token: OTHER_BOT.token });
    standin().deleteMessage("C0OTHER001", mine.body.ts as string);

    const update = (ts: unknown) => call("chat.update", { channel: "C0OTHER001", ts, text: "edit" });
    const unknown = await update("1765000000.999999");
    const deleted = await update(mine.body.ts);
    const foreign = await update(theirs.body.ts);

    expect([unknown.body.error, deleted.body.error, foreign.body.error]).toEqual([
      "message_not_found",
      "message_not_found",
      "cant_update_message",
    ]);
    expect(standin().counts().edits).toBe(0);
  });

  it("answers is_inactive for a message in an archived channel and channel_not_found for a channel name", async () => {
    await start();
    const parent = await post({});

    const byName = await call("chat.update", { channel: "ecs-alerts", ts: parent.body.ts, text: "edit" });
    standin().archive(STANDIN_CHANNEL.id);
    const archived = await call("chat.update", {
      channel: STANDIN_CHANNEL.id,
      ts: parent.body.ts,
      text: "edit",
    });

    expect(byName.body.error).toBe("channel_not_found");
    expect(archived.body.error).toBe("is_inactive");
  });
});

describe("Slack Web API stand-in: rate limits and injected failures", () => {
  it("answers 429 with Retry-After and ratelimited past the burst, per channel, and recovers with time", async () => {
    await start({ postsPerSecond: 1, burst: 2 });

    const first = [await post({}), await post({})];
    const limited = await post({});
    const otherChannel = await post({ channel: "C0OTHER001" });
    advance(1_000);
    const later = await post({});

    expect(first.map((a) => a.status)).toEqual([200, 200]);
    expect(limited).toEqual({ status: 429, retryAfter: "1", body: { ok: false, error: "ratelimited" } });
    expect(otherChannel.body.ok).toBe(true);
    expect(later.body.ok).toBe(true);
    expect(standin().counts(STANDIN_CHANNEL.id).topLevel).toBe(3);
  });

  it("gives a whole-second Retry-After that covers the wait at a slower rate", async () => {
    await start({ postsPerSecond: 0.25, burst: 1 });

    await post({});
    const limited = await post({});

    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe("4");
  });

  it("answers each injected failure once, then normally", async () => {
    await start();
    standin().failNext("chat.postMessage", { status: 503 });
    standin().failNext("chat.postMessage", { status: 429, retryAfter: 2 });
    standin().failNext("chat.postMessage", { error: "invalid_auth" });

    const unavailable = await fetch(`${standin().url}chat.postMessage`, { method: "POST" });
    const limited = await post({});
    const refused = await post({});
    const normal = await post({});

    expect(unavailable.status).toBe(503);
    expect([limited.status, limited.retryAfter, limited.body.error]).toEqual([429, "2", "ratelimited"]);
    expect(refused.body).toEqual({ ok: false, error: "invalid_auth" });
    expect(normal.body.ok).toBe(true);
    expect(standin().requests.map((r) => r.answer)).toEqual([
      "http_503",
      "ratelimited",
      "invalid_auth",
      "ok",
    ]);
  });

  it("answers unknown_method for a method it does not implement", async () => {
    await start();

    const { body } = await call("chat.delete", { channel: STANDIN_CHANNEL.id, ts: "1765000000.000100" });

    expect(body.error).toBe("unknown_method");
  });
});
