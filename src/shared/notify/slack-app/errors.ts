/**
 * Errors of the Slack Web API adapter, and what each of Slack's error codes means for the app mode.
 *
 * The codes are the documented errors of chat.postMessage, chat.update, usergroups.users.list and auth.test
 * (docs.slack.dev/reference/methods/<method>, "Errors"; auth.test's are the token's: not_authed, invalid_auth,
 * token_revoked, account_inactive, ...), plus the HTTP-level ones (429 `ratelimited`, 5xx,
 * timeouts). A code means the same for every method unless USERGROUP_MEANINGS says otherwise (a missing scope is
 * usergroups:read there, and no channel is involved). None of these errors carries the bot token or a request
 * body: only the method, Slack's code, the channel or user-group ID and an operator hint.
 */
import type { SlackErrorAction } from "./api-port.js";

export type SlackMethod = "chat.postMessage" | "chat.update" | "usergroups.users.list" | "auth.test";

export interface SlackErrorMeaning {
  action: SlackErrorAction;
  /** What the operator should do about it. */
  hint: string;
}

const REINSTALL = "the bot token is wrong or was revoked: reinstall the app and update the secret";
const SCOPES =
  "add the chat:write scope to the app (chat:write.public to post where it was not invited), reinstall it and update the secret";
const TRANSIENT = "Slack had a transient problem: the event is retried";
const FILES = "ecs-sentinel shares no files: this is a bug, please report it";
const MALFORMED = "ecs-sentinel sent a malformed request: this is a bug, please report it";
const WORKSPACE_MOVING = "the workspace is migrating to an Enterprise organization: the event is retried";

/** action, hint by Slack error code. */
const MEANINGS: Record<string, SlackErrorMeaning> = {
  // The token.
  not_authed: { action: "auth", hint: "no bot token was sent: set SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_FROM" },
  invalid_auth: { action: "auth", hint: REINSTALL },
  token_revoked: { action: "auth", hint: REINSTALL },
  token_expired: {
    action: "auth",
    hint: "the bot token expired (token rotation is on): turn rotation off for the app or store a fresh token",
  },
  account_inactive: {
    action: "auth",
    hint: "the app's bot user or the workspace was deleted or deactivated: reinstall the app and update the secret",
  },
  missing_scope: { action: "auth", hint: SCOPES },
  not_allowed_token_type: {
    action: "auth",
    hint: "the token is not a bot token: use the app's Bot User OAuth Token (xoxb-...)",
  },
  is_bot: {
    action: "auth",
    hint: "a legacy bot token was used: create a Slack app and use its xoxb- bot token",
  },
  app_access_restricted: {
    action: "auth",
    hint: "a workspace admin restricted this app: ask an admin to approve it",
  },
  two_factor_setup_required: {
    action: "auth",
    hint: "the workspace requires two-factor authentication for the installing user: set it up and reinstall",
  },
  accesslimited: {
    action: "auth",
    hint: "the workspace limits API access by network: allow the Lambda's egress IPs in Slack's IP allowlist",
  },
  enterprise_is_restricted: {
    action: "auth",
    hint: "the token belongs to an Enterprise organization: install the app in the workspace and use that token",
  },
  team_access_not_granted: {
    action: "auth",
    hint: "the token has no access to this workspace: install the app in the workspace of the channel",
  },
  // The channel.
  channel_not_found: {
    action: "channel",
    hint: "the channel ID is wrong, or the channel is private and the app is not in it: check SLACK_CHANNEL / the ecs-sentinel:slack-channel tag (a channel ID such as C0123ABCD) and invite the app",
  },
  not_in_channel: {
    action: "channel",
    hint: "invite the app to the channel (/invite @ecs-sentinel) or add the chat:write.public scope",
  },
  is_archived: {
    action: "channel",
    hint: "the channel is archived: unarchive it or configure another channel",
  },
  is_inactive: {
    action: "channel",
    hint: "the channel is archived, frozen or deleted: configure another channel",
  },
  no_permission: { action: "channel", hint: "invite the app to the channel (/invite @ecs-sentinel)" },
  restricted_action: {
    action: "channel",
    hint: "a workspace preference prevents the app from posting: ask an admin, or configure another channel",
  },
  restricted_action_read_only_channel: {
    action: "channel",
    hint: "the channel is read-only for the app: allow it to post, or configure another channel",
  },
  restricted_action_thread_only_channel: {
    action: "channel",
    hint: "the channel allows replies only: configure another channel",
  },
  restricted_action_non_threadable_channel: {
    action: "channel",
    hint: "the channel does not allow threads: configure another channel",
  },
  posting_to_channel_denied: {
    action: "channel",
    hint: "the app may not post in this channel: ask an admin, or configure another channel",
  },
  ekm_access_denied: {
    action: "channel",
    hint: "admins disabled posting to this channel (Enterprise Key Management): configure another channel",
  },
  access_denied: {
    action: "channel",
    hint: "the app has no access to this channel: invite it, or configure another",
  },
  team_not_found: {
    action: "channel",
    hint: "use a channel ID (C0123ABCD), not a channel name, with an organization-wide token",
  },
  messages_tab_disabled: {
    action: "channel",
    hint: "the app's Messages tab is disabled: post to a channel, or enable the tab",
  },
  // The message to edit, or to reply to.
  message_not_found: {
    action: "repost",
    hint: "the message to edit was deleted: a new message is posted",
  },
  cant_update_message: {
    action: "repost",
    hint: "the message to edit was not posted by this app (a different token?): a new message is posted",
  },
  edit_window_closed: {
    action: "repost",
    hint: "the message can no longer be edited: a new message is posted",
  },
  block_mismatch: { action: "repost", hint: "the message cannot take these blocks: a new message is posted" },
  cannot_reply_to_message: {
    action: "repost",
    hint: "the parent message cannot have replies: a new message is posted",
  },
  restricted_action_thread_locked: {
    action: "repost",
    hint: "an admin locked the thread: a new message is posted",
  },
  // The message itself.
  invalid_blocks: {
    action: "payload",
    hint: "Slack refused the Block Kit blocks: please report it with the log line",
  },
  invalid_blocks_format: { action: "payload", hint: MALFORMED },
  msg_too_long: { action: "payload", hint: "the message text is too long for Slack: please report it" },
  msg_blocks_too_long: {
    action: "payload",
    hint: "the message blocks are too long for Slack: please report it",
  },
  no_text: { action: "payload", hint: MALFORMED },
  too_many_attachments: { action: "payload", hint: MALFORMED },
  attachment_payload_limit_exceeded: { action: "payload", hint: MALFORMED },
  invalid_attachments: { action: "payload", hint: MALFORMED },
  too_many_contact_cards: { action: "payload", hint: MALFORMED },
  invalid_arguments: { action: "payload", hint: MALFORMED },
  invalid_arg_name: { action: "payload", hint: MALFORMED },
  invalid_array_arg: { action: "payload", hint: MALFORMED },
  invalid_charset: { action: "payload", hint: MALFORMED },
  invalid_form_data: { action: "payload", hint: MALFORMED },
  invalid_post_type: { action: "payload", hint: MALFORMED },
  missing_post_type: { action: "payload", hint: MALFORMED },
  invalid_metadata_format: { action: "payload", hint: MALFORMED },
  invalid_metadata_schema: { action: "payload", hint: MALFORMED },
  metadata_too_large: { action: "payload", hint: MALFORMED },
  metadata_must_be_sent_from_app: { action: "payload", hint: MALFORMED },
  markdown_text_conflict: { action: "payload", hint: MALFORMED },
  as_user_not_supported: { action: "payload", hint: MALFORMED },
  send_on_behalf_not_allowed: { action: "payload", hint: MALFORMED },
  cant_broadcast_message: { action: "payload", hint: MALFORMED },
  no_dual_broadcast_content_update: { action: "payload", hint: MALFORMED },
  duplicate_channel_not_found: { action: "payload", hint: MALFORMED },
  duplicate_message_not_found: { action: "payload", hint: MALFORMED },
  draft_already_deleted: { action: "payload", hint: MALFORMED },
  draft_already_sent: { action: "payload", hint: MALFORMED },
  draft_has_conflict: { action: "payload", hint: MALFORMED },
  draft_not_found: { action: "payload", hint: MALFORMED },
  missing_file_data: { action: "payload", hint: FILES },
  blocked_file_type: { action: "payload", hint: FILES },
  file_deleted: { action: "payload", hint: FILES },
  file_is_deleted: { action: "payload", hint: FILES },
  file_not_found: { action: "payload", hint: FILES },
  file_share_limit_reached: { action: "payload", hint: FILES },
  max_file_sharing_exceeded: { action: "payload", hint: FILES },
  unable_to_share_files: { action: "payload", hint: FILES },
  slack_connect_blocked_file_type: { action: "payload", hint: FILES },
  slack_connect_canvas_sharing_blocked: { action: "payload", hint: FILES },
  slack_connect_clip_sharing_blocked: { action: "payload", hint: FILES },
  slack_connect_file_link_sharing_blocked: { action: "payload", hint: FILES },
  slack_connect_file_upload_sharing_blocked: { action: "payload", hint: FILES },
  slack_connect_lists_sharing_blocked: { action: "payload", hint: FILES },
  deprecated_endpoint: { action: "payload", hint: "Slack retired this method: upgrade ecs-sentinel" },
  method_deprecated: { action: "payload", hint: "Slack retired this method: upgrade ecs-sentinel" },
  unknown_method: {
    action: "payload",
    hint: "the API answered that it does not know the method: check SLACK_API_URL (default https://slack.com/api/)",
  },
  // Transient: the event is retried (by Lambda when the wait does not fit the invocation).
  ratelimited: { action: "retry", hint: "Slack rate-limited the app: the message is delayed and retried" },
  rate_limited: { action: "retry", hint: "Slack rate-limited the app: the message is delayed and retried" },
  message_limit_exceeded: {
    action: "retry",
    hint: "the workspace hit the free plan's message limit: the event is retried; consider a paid plan",
  },
  fatal_error: { action: "retry", hint: TRANSIENT },
  internal_error: { action: "retry", hint: TRANSIENT },
  service_unavailable: { action: "retry", hint: TRANSIENT },
  request_timeout: { action: "retry", hint: TRANSIENT },
  update_failed: { action: "retry", hint: TRANSIENT },
  streaming_state_conflict: { action: "retry", hint: TRANSIENT },
  external_channel_migrating: {
    action: "retry",
    hint: "the shared channel is migrating: the event is retried",
  },
  team_added_to_org: { action: "retry", hint: WORKSPACE_MOVING },
  org_login_required: { action: "retry", hint: WORKSPACE_MOVING },
};

const NO_GROUP_ACCESS =
  "the bot token may not read user groups here: check the app's usergroups:read scope and the workspace's app restrictions; approvers in groups are refused until then";

/**
 * usergroups.users.list (resolving approver groups, SLACK_APPROVERS / ecs-sentinel:approvers): the codes whose
 * meaning differs from posting. Nothing here is a channel or a message, so no code maps to `channel` or `repost`.
 */
const USERGROUP_MEANINGS: Record<string, SlackErrorMeaning> = {
  no_such_subteam: {
    action: "payload",
    hint: "no user group has this ID in the workspace (deleted, disabled, or a typo): fix SLACK_APPROVERS or the ecs-sentinel:approvers tag (user-group IDs look like S0123ABCD)",
  },
  plan_upgrade_required: {
    action: "payload",
    hint: "the workspace's Slack plan has no user groups: list the approvers' user IDs (U0123ABCD) instead of a group",
  },
  missing_scope: {
    action: "auth",
    hint: "add the usergroups:read scope to the app (needed for user-group approvers), reinstall it and update the secret",
  },
  user_is_restricted: {
    action: "auth",
    hint: "the token belongs to a guest user: use the app's Bot User OAuth Token (xoxb-...)",
  },
  no_permission: { action: "auth", hint: NO_GROUP_ACCESS },
  access_denied: { action: "auth", hint: NO_GROUP_ACCESS },
  ekm_access_denied: { action: "auth", hint: NO_GROUP_ACCESS },
  missing_argument: { action: "payload", hint: MALFORMED },
  invalid_cursor: { action: "payload", hint: MALFORMED },
};

/**
 * What to do about Slack's error `code` answered to `method`. An undocumented code is treated as transient
 * (`retry`): the event is retried and finally dead-lettered rather than dropped.
 */
export function slackErrorMeaning(code: string, method?: SlackMethod): SlackErrorMeaning {
  const specific = method === "usergroups.users.list" ? USERGROUP_MEANINGS[code] : undefined;
  return (
    specific ??
    MEANINGS[code] ?? {
      action: "retry",
      hint: "Slack answered an error ecs-sentinel does not know: the event is retried; check Slack's status page",
    }
  );
}

/** Every documented code the adapter maps (tests iterate it). */
export const KNOWN_SLACK_ERROR_CODES: readonly string[] = [
  ...new Set([...Object.keys(MEANINGS), ...Object.keys(USERGROUP_MEANINGS)]),
];

export interface SlackApiErrorDetails {
  /** The channel ID of the request (never a secret). */
  channel?: string;
  /** The user-group ID of a usergroups.users.list request. */
  usergroup?: string;
  /** HTTP status when it was not 200. */
  status?: number;
  /** Attempts made in this call. */
  attempts?: number;
  /** For `ratelimited`: how long Slack asked to wait. */
  retryAfterMs?: number;
  /** Slack's own explanation (e.g. which block is invalid), cut short. */
  detail?: string;
}

/** Slack refused or failed a Web API call. `action` tells the app mode what to do about it. */
export class SlackApiError extends Error {
  override readonly name: string = "SlackApiError";
  readonly channel: string | undefined;
  readonly usergroup: string | undefined;
  readonly status: number | undefined;
  readonly attempts: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly detail: string | undefined;
  constructor(
    readonly method: SlackMethod,
    /** Slack's error code (`not_in_channel`), or ours for HTTP-level problems (`http_503`, `timeout`). */
    readonly code: string,
    readonly action: SlackErrorAction,
    /** What the operator should do. */
    readonly hint: string,
    details: SlackApiErrorDetails = {},
  ) {
    const where = details.channel
      ? ` in ${details.channel}`
      : details.usergroup
        ? ` of ${details.usergroup}`
        : "";
    const why = details.detail ? ` (${details.detail})` : "";
    super(`Slack ${method}${where} failed: ${code}${why} — ${hint}`);
    this.channel = details.channel;
    this.usergroup = details.usergroup;
    this.status = details.status;
    this.attempts = details.attempts;
    this.retryAfterMs = details.retryAfterMs;
    this.detail = details.detail;
  }
}

/** Slack answered 200 but not what its API documents (no JSON, or `ok: true` without a string `ts`). */
export class SlackMalformedResponseError extends SlackApiError {
  override readonly name = "SlackMalformedResponseError";
  constructor(method: SlackMethod, problem: string, details: SlackApiErrorDetails = {}) {
    super(
      method,
      "malformed_response",
      "retry",
      `Slack's answer was not usable (${problem}): check SLACK_API_URL points at Slack's Web API; the event is retried`,
      details,
    );
  }
}

/** The Slack Web API configuration is unusable (a bad SLACK_API_URL): fails at cold start. */
export class SlackApiConfigError extends Error {
  override readonly name = "SlackApiConfigError";
}
