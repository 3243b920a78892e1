import { afterEach, describe, expect, it } from "vitest";
import type { SlackErrorAction } from "../../../src/shared/notify/slack-app/api-port.js";
import {
  KNOWN_SLACK_ERROR_CODES,
  SlackApiConfigError,
  SlackApiError,
  SlackMalformedResponseError,
} from "../../../src/shared/notify/slack-app/errors.js";
import {
  buildSlackWebApi,
  type SlackWebApiOptions,
  staticToken,
  type TokenSource,
} from "../../../src/shared/notify/slack-app/web-api.js";
import {
  type SlackStandin,
  STANDIN_CHANNEL,
  STANDIN_TOKEN,
  type StandinOptions,
  startSlackStandin,
} from "../../support/slack-web-api-standin.js";
import { recordingLogger } from "../delivery/recording-logger.js";

/**
 * The documented errors of chat.postMessage and chat.update (docs.slack.dev/reference/methods/chat.postMessage
 * and chat.update, "Errors", as of 2026-08), the fixture for "every documented code is mapped".
 */
const DOCUMENTED = {
  "chat.postMessage":
    "access_denied accesslimited account_inactive app_access_restricted as_user_not_supported attachment_payload_limit_exceeded cannot_reply_to_message channel_not_found deprecated_endpoint draft_already_deleted draft_already_sent draft_has_conflict draft_not_found duplicate_channel_not_found duplicate_message_not_found ekm_access_denied enterprise_is_restricted fatal_error invalid_arg_name invalid_array_arg invalid_blocks invalid_blocks_format invalid_charset invalid_form_data invalid_metadata_format invalid_metadata_schema invalid_post_type is_archived is_bot markdown_text_conflict message_limit_exceeded messages_tab_disabled metadata_must_be_sent_from_app metadata_too_large method_deprecated missing_file_data missing_post_type missing_scope msg_blocks_too_long msg_too_long no_permission no_text not_allowed_token_type not_authed not_in_channel org_login_required rate_limited ratelimited request_timeout restricted_action restricted_action_non_threadable_channel restricted_action_read_only_channel restricted_action_thread_locked restricted_action_thread_only_channel send_on_behalf_not_allowed service_unavailable slack_connect_canvas_sharing_blocked slack_connect_file_link_sharing_blocked slack_connect_lists_sharing_blocked team_added_to_org team_not_found token_expired token_revoked too_many_attachments too_many_contact_cards two_factor_setup_required unknown_method",
  "chat.update":
    "access_denied accesslimited account_inactive as_user_not_supported block_mismatch blocked_file_type cant_broadcast_message cant_update_message channel_not_found deprecated_endpoint edit_window_closed ekm_access_denied enterprise_is_restricted external_channel_migrating fatal_error file_deleted file_is_deleted file_not_found file_share_limit_reached invalid_arg_name invalid_array_arg invalid_attachments invalid_blocks invalid_blocks_format invalid_charset invalid_form_data invalid_metadata_format invalid_metadata_schema invalid_post_type is_bot is_inactive markdown_text_conflict max_file_sharing_exceeded message_limit_exceeded message_not_found metadata_must_be_sent_from_app metadata_too_large method_deprecated missing_post_type missing_scope msg_too_long no_dual_broadcast_content_update no_permission no_text not_allowed_token_type not_authed org_login_required posting_to_channel_denied ratelimited request_timeout service_unavailable slack_connect_blocked_file_type slack_connect_canvas_sharing_blocked slack_connect_clip_sharing_blocked slack_connect_file_link_sharing_blocked slack_connect_file_upload_sharing_blocked streaming_state_conflict team_added_to_org team_not_found token_expired token_revoked too_many_attachments two_factor_setup_required unable_to_share_files unknown_method update_failed",
} as const;

/** The codes the issue names, and what the app mode must do about each. */
const NAMED: Record<string, SlackErrorAction> = {
  not_authed: "auth",
  invalid_auth: "auth",
  token_revoked: "auth",
  account_inactive: "auth",
  missing_scope: "auth",
  channel_not_found: "channel",
  not_in_channel: "channel",
  is_archived: "channel",
  message_not_found: "repost",
  cant_update_message: "repost",
  invalid_blocks: "payload",
  msg_too_long: "payload",
  ratelimited: "retry",
};

const NO_SCOPE = {
  token: "xoxb-7777777777-8888888888-noScope",
  scopes: ["users:read"],
  botUserId: "U0NS",
  botId: "B0NS",
};
const OTHER_BOT = {
  token: "xoxb-3333333333-4444444444-otherBot",
  scopes: ["chat:write"],
  botUserId: "U0OB",
  botId: "B0OB",
};
const CHANNELS = [
  STANDIN_CHANNEL,
  { id: "C0OTHER001", name: "deploys", members: ["U0SENTINEL", "U0OB"] },
  { id: "C0UNINVITE", name: "general" },
];
const SECRET_TEXT = "payload text that must never be logged";

/** One fake clock for the client and the stand-in: sleeps are recorded and advance it, nobody really waits. */
function fakeTime(budgetMs = 60_000) {
  const start = 1_765_000_000_000;
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    deadline: () => start + budgetMs - now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A token source that moves to the next value each time it is told to forget the current one. */
function rotatingToken(...values: string[]) {
  let index = 0;
  let invalidations = 0;
  const source: TokenSource = Object.assign(async () => values[Math.min(index, values.length - 1)] ?? "", {
    invalidate: () => {
      invalidations++;
      index++;
    },
  });
  return { source, invalidations: () => invalidations };
}

let standin: SlackStandin;
afterEach(async () => {
  await standin?.close();
});

async function setup(
  options: Partial<SlackWebApiOptions> = {},
  standinOptions: StandinOptions = {},
  budgetMs?: number,
) {
  const time = fakeTime(budgetMs);
  standin = await startSlackStandin({
    tokens: [STANDIN_TOKEN, NO_SCOPE, OTHER_BOT],
    channels: CHANNELS,
    clock: time.now,
    burst: 100,
    ...standinOptions,
  });
  const logger = recordingLogger();
  const api = buildSlackWebApi({
    baseUrl: standin.url,
    token: staticToken(STANDIN_TOKEN.token),
    fetch,
    deadline: time.deadline,
    sleep: time.sleep,
    clock: time.now,
    random: () => 0.5,
    logger,
    ...options,
  });
  return { api, time, logger };
}

async function rejection(promise: Promise<unknown>): Promise<SlackApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SlackApiError) return error;
    throw error;
  }
  throw new Error("expected a SlackApiError");
}

const message = (extra: object = {}) => ({
  channel: STANDIN_CHANNEL.id,
  text: SECRET_TEXT,
  blocks: [{ type: "section", text: { type: "mrkdwn", text: SECRET_TEXT } }],
  ...extra,
});

describe("Slack Web API adapter: requests", () => {
  it("posts JSON with the bearer token, no unfurling, and returns the channel ID and ts Slack answered", async () => {
    const { api } = await setup();

    const posted = await api.postMessage(message({ channel: "#ecs-alerts" }));

    expect(posted).toEqual({ channel: STANDIN_CHANNEL.id, ts: standin.messages[0]?.ts });
    const request = standin.requests[0];
    expect(request?.headers.authorization).toBe(`Bearer ${STANDIN_TOKEN.token}`);
    expect(request?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(request?.json).toEqual({
      ...message({ channel: "#ecs-alerts" }),
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  it("replies in a thread and edits the parent", async () => {
    const { api } = await setup();
    const parent = await api.postMessage(message({ text: "deployment started" }));

    await api.postMessage(message({ text: "task stopped", thread_ts: parent.ts }));
    const edited = await api.update({ channel: parent.channel, ts: parent.ts, text: "failed", blocks: [] });

    expect(edited).toEqual(parent);
    expect(standin.counts()).toEqual({ topLevel: 1, replies: 1, edits: 1, lost: 0 });
    expect(standin.messages[0]?.versions.map((v) => v.text)).toEqual(["deployment started", "failed"]);
  });

  it("adds the missing trailing slash to the base URL and refuses plain http off loopback", async () => {
    const { api } = await setup();
    const base = standin.url.replace(/\/$/, "");
    const noSlash = buildSlackWebApi({ baseUrl: base, token: staticToken(STANDIN_TOKEN.token), fetch });

    await noSlash.postMessage(message());
    await api.postMessage(message());

    expect(standin.counts().topLevel).toBe(2);
    expect(() =>
      buildSlackWebApi({ baseUrl: "http://slack.example/api/", token: staticToken("x"), fetch }),
    ).toThrow(SlackApiConfigError);
  });
});

describe("Slack Web API adapter: Slack's refusals", () => {
  it("maps every documented error code of chat.postMessage and chat.update explicitly", () => {
    const documented = new Set([
      ...DOCUMENTED["chat.postMessage"].split(" "),
      ...DOCUMENTED["chat.update"].split(" "),
    ]);

    const unmapped = [...documented].filter((code) => !KNOWN_SLACK_ERROR_CODES.includes(code));

    expect(unmapped).toEqual([]);
  });

  it.each(Object.entries(NAMED))("turns %s into action %s with a hint", async (code, action) => {
    const { api } = await setup();
    for (let i = 0; i < 5; i++) standin.failNext("chat.postMessage", { error: code });

    const error = await rejection(api.postMessage(message()));

    expect(error).toMatchObject({ name: "SlackApiError", code, action, method: "chat.postMessage" });
    expect(error.hint.length).toBeGreaterThan(20);
    expect(error.message).toContain(error.hint);
  });

  it("throws each documented non-transient code at once and recovers in-process from each transient one", async () => {
    const { api } = await setup({ postIntervalMs: 0 }, {}, 3_600_000);

    for (const code of new Set(DOCUMENTED["chat.update"].split(" "))) {
      const parent = await api.postMessage(message());
      standin.failNext("chat.update", { error: code });
      const before = standin.requests.length;
      const outcome = await api
        .update({ channel: parent.channel, ts: parent.ts, text: "edit", blocks: [] })
        .then(
          () => "recovered",
          (error: unknown) => error,
        );
      const requests = standin.requests.length - before;
      if (outcome === "recovered") {
        expect([code, requests]).toEqual([code, 2]);
      } else {
        expect(outcome, code).toBeInstanceOf(SlackApiError);
        expect((outcome as SlackApiError).code).toBe(code);
        expect((outcome as SlackApiError).action, code).not.toBe("retry");
        // An auth error re-reads the token once; the static token is the same, so no second call is made.
        expect([code, requests]).toEqual([code, 1]);
      }
    }
  });

  it.each([
    ["not_in_channel", "channel", () => message({ channel: "C0UNINVITE" }), "/invite @ecs-sentinel"],
    ["channel_not_found", "channel", () => message({ channel: "C0NOSUCH00" }), "SLACK_CHANNEL"],
    [
      "invalid_blocks",
      "payload",
      () => message({ blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }] }),
      "report",
    ],
    ["msg_too_long", "payload", () => message({ text: "x".repeat(40_001) }), "too long"],
  ] as const)("names the stand-in's real %s as action %s", async (code, action, request, hintPart) => {
    const { api } = await setup();

    const error = await rejection(api.postMessage(request()));

    expect(error).toMatchObject({ code, action });
    expect(error.hint).toContain(hintPart);
    expect(standin.requests).toHaveLength(1);
  });

  it("says which block Slack refused", async () => {
    const { api } = await setup();
    const blocks = [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }];

    const error = await rejection(api.postMessage(message({ blocks })));

    expect(error.detail).toContain("[json-pointer:/blocks/0/text/text]");
  });

  it("answers repost for an edit of a deleted message or of another bot's message", async () => {
    const { api } = await setup();
    const mine = await api.postMessage(message({ channel: "C0OTHER001" }));
    const theirs = await buildSlackWebApi({
      baseUrl: standin.url,
      token: staticToken(OTHER_BOT.token),
      fetch,
    }).postMessage(message({ channel: "C0OTHER001" }));
    standin.deleteMessage("C0OTHER001", mine.ts);

    const deleted = await rejection(
      api.update({ channel: "C0OTHER001", ts: mine.ts, text: "x", blocks: [] }),
    );
    const foreign = await rejection(
      api.update({ channel: "C0OTHER001", ts: theirs.ts, text: "x", blocks: [] }),
    );

    expect([deleted.code, deleted.action]).toEqual(["message_not_found", "repost"]);
    expect([foreign.code, foreign.action]).toEqual(["cant_update_message", "repost"]);
  });
});

describe("Slack Web API adapter: the token", () => {
  it("makes the token source forget a token Slack refuses, and gives up when the secret holds the same", async () => {
    const token = rotatingToken("xoxb-revoked-0000", "xoxb-revoked-0000");
    const { api } = await setup({ token: token.source });

    const error = await rejection(api.postMessage(message()));

    expect([error.code, error.action]).toEqual(["invalid_auth", "auth"]);
    expect(token.invalidations()).toBe(1);
    expect(standin.requests).toHaveLength(1);
  });

  it("retries once with a rotated token re-read from the secret", async () => {
    const token = rotatingToken("xoxb-old-rotated-away", STANDIN_TOKEN.token);
    const { api } = await setup({ token: token.source });

    await api.postMessage(message());

    expect(standin.requests.map((r) => r.answer)).toEqual(["invalid_auth", "ok"]);
    expect(standin.counts().topLevel).toBe(1);
  });

  it("answers missing_scope as auth for a token without chat:write", async () => {
    const { api } = await setup({ token: staticToken(NO_SCOPE.token) });

    const error = await rejection(api.postMessage(message()));

    expect([error.code, error.action]).toEqual(["missing_scope", "auth"]);
    expect(error.detail).toBe("needed: chat:write; provided: users:read");
  });

  it("refuses a token with a line break before sending anything", async () => {
    const { api } = await setup({ token: staticToken("xoxb-abc\ninjected: header") });

    const error = await rejection(api.postMessage(message()));

    expect([error.code, error.action]).toEqual(["invalid_token_format", "auth"]);
    expect(standin.requests).toHaveLength(0);
  });

  it("turns a secret that cannot be read into a retry", async () => {
    const unreadable: TokenSource = Object.assign(
      async (): Promise<string> => {
        throw Object.assign(new Error("User is not authorized to perform secretsmanager:GetSecretValue"), {
          name: "AccessDeniedException",
        });
      },
      { invalidate: () => {} },
    );
    const { api } = await setup({ token: unreadable });

    const error = await rejection(api.postMessage(message()));

    expect(error).toMatchObject({
      code: "token_unreadable",
      action: "retry",
      detail: "AccessDeniedException",
    });
  });

  it("never puts the token or the message text in a log line or an error", async () => {
    const { api, logger } = await setup({ maxAttempts: 2 }, {}, 10_000);
    const errors: unknown[] = [];
    const attempt = (promise: Promise<unknown>) => promise.catch((error: unknown) => errors.push(error));
    standin.failNext("chat.postMessage", { error: "invalid_auth" });
    await attempt(api.postMessage(message()));
    standin.failNext("chat.postMessage", { status: 503 });
    standin.failNext("chat.postMessage", { status: 502 });
    await attempt(api.postMessage(message()));
    standin.failNext("chat.postMessage", { status: 429, retryAfter: 60 });
    await attempt(api.postMessage(message()));
    standin.failNext("chat.postMessage", { status: 200, body: '{"ok":true}' });
    await attempt(api.postMessage(message()));
    await attempt(api.postMessage(message({ channel: "C0UNINVITE" })));
    await attempt(api.postMessage(message({ blocks: [{ type: "nope" }] })));

    const everything = [
      logger.text(),
      ...errors.map((e) => `${(e as Error).message} ${(e as Error).stack} ${JSON.stringify(e)}`),
    ].join("\n");
    expect(errors).toHaveLength(6);
    expect(logger.lines.length).toBeGreaterThan(6);
    expect(everything).not.toContain(STANDIN_TOKEN.token);
    expect(everything).not.toContain(STANDIN_TOKEN.token.slice(-12));
    expect(everything).not.toContain(SECRET_TEXT);
  });
});

describe("Slack Web API adapter: rate limits, retries and the deadline", () => {
  it("waits Slack's Retry-After on a real 429 and then posts, without really sleeping", async () => {
    const { api, time } = await setup({ postIntervalMs: 0 }, { postsPerSecond: 1, burst: 1 });

    await api.postMessage(message());
    await api.postMessage(message());

    expect(time.sleeps).toEqual([1000]);
    expect(standin.requests.map((r) => r.answer)).toEqual(["ok", "ratelimited", "ok"]);
    expect(standin.counts().topLevel).toBe(2);
  });

  it("throws ratelimited with action retry when Retry-After does not fit the invocation", async () => {
    const { api, time } = await setup({}, {}, 10_000);
    standin.failNext("chat.postMessage", { status: 429, retryAfter: 30 });

    const error = await rejection(api.postMessage(message()));

    expect(error).toMatchObject({ code: "ratelimited", action: "retry", status: 429, retryAfterMs: 30_000 });
    expect(time.sleeps).toEqual([]);
    expect(standin.messages).toHaveLength(0);
  });

  it("retries 5xx answers with jittered exponential backoff and then succeeds", async () => {
    const { api, time } = await setup();
    standin.failNext("chat.postMessage", { status: 503 });
    standin.failNext("chat.postMessage", { status: 502 });

    await api.postMessage(message());

    expect(time.sleeps).toEqual([150, 300]);
    expect(standin.counts().topLevel).toBe(1);
  });

  it("throws action retry after the last attempt when Slack stays unavailable", async () => {
    const { api } = await setup({ maxAttempts: 3 });
    for (let i = 0; i < 3; i++) standin.failNext("chat.update", { status: 503 });

    const error = await rejection(
      api.update({ channel: STANDIN_CHANNEL.id, ts: "1.2", text: "x", blocks: [] }),
    );

    expect(error).toMatchObject({ code: "http_503", action: "retry", attempts: 3, status: 503 });
  });

  it("makes no call when the invocation has too little time left", async () => {
    const { api } = await setup({}, {}, 2_400);

    const error = await rejection(api.postMessage(message()));

    expect([error.code, error.action]).toEqual(["deadline", "retry"]);
    expect(standin.requests).toHaveLength(0);
  });

  it("stops a retry whose backoff would overrun the deadline", async () => {
    const { api, time } = await setup({ baseDelayMs: 2_000 }, {}, 3_000);
    standin.failNext("chat.postMessage", { status: 500 });

    const error = await rejection(api.postMessage(message()));

    expect(error).toMatchObject({ code: "http_500", action: "retry", attempts: 1 });
    expect(time.sleeps).toEqual([]);
  });

  it("abandons an attempt that outlives its timeout and reports it as a retry", async () => {
    const { api } = await setup({ attemptTimeoutMs: 100, minAttemptMs: 50, maxAttempts: 1 });
    standin.failNext("chat.postMessage", { delayMs: 2_000 });

    const error = await rejection(api.postMessage(message()));

    expect([error.code, error.action]).toEqual(["timeout", "retry"]);
  });

  it("paces posts to one channel a second apart and leaves other channels alone", async () => {
    const { api, time } = await setup({}, { postsPerSecond: 1, burst: 1 });

    await api.postMessage(message());
    await api.postMessage(message({ channel: "C0OTHER001" }));
    await api.postMessage(message());
    await api.postMessage(message());

    expect(time.sleeps).toEqual([1000, 1000]);
    expect(standin.requests.map((r) => r.answer)).toEqual(["ok", "ok", "ok", "ok"]);
  });

  it("queues concurrent posts to one channel one interval apart", async () => {
    // The posts start at the same instant: the sleeps are recorded and do not move the clock.
    const sleeps: number[] = [];
    const { api } = await setup({ postIntervalMs: 1_500, sleep: async (ms) => void sleeps.push(ms) });

    await Promise.all([api.postMessage(message()), api.postMessage(message()), api.postMessage(message())]);

    expect([...sleeps].sort((a, b) => a - b)).toEqual([1500, 3000]);
    expect(standin.counts().topLevel).toBe(3);
  });

  it("does not pace chat.update", async () => {
    const { api, time } = await setup();
    const parent = await api.postMessage(message());

    await api.update({ channel: parent.channel, ts: parent.ts, text: "a", blocks: [] });
    await api.update({ channel: parent.channel, ts: parent.ts, text: "b", blocks: [] });

    expect(time.sleeps).toEqual([]);
    expect(standin.counts().edits).toBe(2);
  });

  it("treats a 200 answer without a ts as a malformed response, not retried in-process", async () => {
    const { api } = await setup();
    standin.failNext("chat.postMessage", { status: 200, body: '{"ok":true,"channel":"C0ALERTS01"}' });

    const error = await rejection(api.postMessage(message()));

    expect(error).toBeInstanceOf(SlackMalformedResponseError);
    expect(error).toMatchObject({ name: "SlackMalformedResponseError", action: "retry" });
    expect(standin.requests).toHaveLength(1);
  });
});
