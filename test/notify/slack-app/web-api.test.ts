import { describe, expect, it } from "vitest";
import type { SlackErrorAction } from "../../../src/shared/notify/slack-app/api-port.js";
import {
  KNOWN_SLACK_ERROR_CODES,
  SlackApiConfigError,
  SlackApiError,
} from "../../../src/shared/notify/slack-app/errors.js";
import {
  buildSlackWebApi,
  staticToken,
  type TokenSource,
} from "../../../src/shared/notify/slack-app/web-api.js";
import { STANDIN_CHANNEL, STANDIN_TOKEN } from "../../support/slack-web-api-standin.js";
import {
  message,
  NO_SCOPE,
  OTHER_BOT,
  rejection,
  rotatingToken,
  SECRET_TEXT,
  setup,
  standin,
} from "./web-api-setup.js";

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

describe("Slack Web API adapter: requests", () => {
  it("posts JSON with the bearer token, no unfurling, and returns the channel ID and ts Slack answered", async () => {
    const { api } = await setup();

    const posted = await api.postMessage(message({ channel: "#ecs-alerts" }));

    expect(posted).toEqual({ channel: STANDIN_CHANNEL.id, ts: standin().messages[0]?.ts });
    const request = standin().requests[0];
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
    expect(standin().counts()).toEqual({ topLevel: 1, replies: 1, edits: 1, lost: 0 });
    expect(standin().messages[0]?.versions.map((v) => v.text)).toEqual(["deployment started", "failed"]);
  });

  it("adds the missing trailing slash to the base URL and refuses plain http off loopback", async () => {
    const { api } = await setup();
    const base = standin().url.replace(/\/$/, "");
    const noSlash = buildSlackWebApi({ baseUrl: base, token: staticToken(STANDIN_TOKEN.token), fetch });

    await noSlash.postMessage(message());
    await api.postMessage(message());

    expect(standin().counts().topLevel).toBe(2);
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
    for (let i = 0; i < 5; i++) standin().failNext("chat.postMessage", { error: code });

    const error = await rejection(api.postMessage(message()));

    expect(error).toMatchObject({ name: "SlackApiError", code, action, method: "chat.postMessage" });
    expect(error.hint.length).toBeGreaterThan(20);
    expect(error.message).toContain(error.hint);
  });

  it("throws each documented non-transient code at once and recovers in-process from each transient one", async () => {
    const { api } = await setup({ postIntervalMs: 0 }, {}, 3_600_000);

    for (const code of new Set(DOCUMENTED["chat.update"].split(" "))) {
      const parent = await api.postMessage(message());
      standin().failNext("chat.update", { error: code });
      const before = standin().requests.length;
      const outcome = await api
        .update({ channel: parent.channel, ts: parent.ts, text: "edit", blocks: [] })
        .then(
          () => "recovered",
          (error: unknown) => error,
        );
      const requests = standin().requests.length - before;
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
    expect(standin().requests).toHaveLength(1);
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
      baseUrl: standin().url,
      token: staticToken(OTHER_BOT.token),
      fetch,
    }).postMessage(message({ channel: "C0OTHER001" }));
    standin().deleteMessage("C0OTHER001", mine.ts);

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
    expect(standin().requests).toHaveLength(1);
  });

  it("retries once with a rotated token re-read from the secret", async () => {
    const token = rotatingToken("xoxb-old-rotated-away", STANDIN_TOKEN.token);
    const { api } = await setup({ token: token.source });

    await api.postMessage(message());

    expect(standin().requests.map((r) => r.answer)).toEqual(["invalid_auth", "ok"]);
    expect(standin().counts().topLevel).toBe(1);
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
    expect(standin().requests).toHaveLength(0);
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
    standin().failNext("chat.postMessage", { error: "invalid_auth" });
    await attempt(api.postMessage(message()));
    standin().failNext("chat.postMessage", { status: 503 });
    standin().failNext("chat.postMessage", { status: 502 });
    await attempt(api.postMessage(message()));
    standin().failNext("chat.postMessage", { status: 429, retryAfter: 60 });
    await attempt(api.postMessage(message()));
    standin().failNext("chat.postMessage", { status: 200, body: '{"ok":true}' });
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
