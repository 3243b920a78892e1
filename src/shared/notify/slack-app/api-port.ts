/**
 * The little of Slack's Web API the app mode uses (chat.postMessage, chat.update, usergroups.users.list,
 * auth.test), as a port: the real adapter (web-api.ts) calls Slack over fetch; the dry run prints; tests use a local stand-in.
 */

export interface PostMessageRequest {
  /** Channel ID (C…/G…). */
  channel: string;
  /** Fallback text (notifications, screen readers). */
  text: string;
  blocks: unknown[];
  /** Makes the message a reply in the thread of this top-level message. */
  thread_ts?: string;
}

export interface UpdateRequest {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

export interface PostedMessage {
  /** The channel ID Slack answered with. */
  channel: string;
  ts: string;
}

export interface SlackApi {
  postMessage(request: PostMessageRequest): Promise<PostedMessage>;
  update(request: UpdateRequest): Promise<PostedMessage>;
  /**
   * The members (user IDs, U…/W…) of a user group (S…), for approvers named by group. Only enabled groups: a
   * disabled group is refused (`no_such_subteam`). Needs the usergroups:read scope.
   *
   * Optional in this port so that posting-only implementations (the dry run, fakes of the thread flows) need not
   * grow it; the real adapter always has it (`SlackWebApi`). A caller that finds it missing must treat group
   * approvers as unresolvable and refuse (fail closed), never allow.
   */
  usergroupMembers?(usergroupId: string): Promise<string[]>;
  /**
   * Who the bot token is (auth.test): the workspace it was installed in, and the Enterprise Grid organization
   * when there is one. Needs no scope. Optional for the same reason as `usergroupMembers`; a caller that finds
   * it missing cannot tell which workspace is its own and must refuse what depends on it (fail closed).
   */
  authTest?(): Promise<SlackIdentity>;
}

/**
 * The answer of auth.test (https://docs.slack.dev/reference/methods/auth.test): `team_id` (T…) and, for a
 * workspace of an Enterprise Grid organization or an organization-wide install, `enterprise_id` (E…). At least
 * one of the two is present.
 */
export type SlackIdentity = (
  | { teamId: string; enterpriseId?: string }
  | { teamId?: string; enterpriseId: string }
) & {
  /** The app is installed organization-wide (all the organization's workspaces share one installation). */
  isEnterpriseInstall: boolean;
  /** The bot user (U…/W…) and bot (B…) of the token, when Slack names them. */
  userId?: string;
  botId?: string;
};

/** The real adapter's port: everything, user groups and auth.test included. */
export type SlackWebApi = SlackApi & Required<Pick<SlackApi, "usergroupMembers" | "authTest">>;

/**
 * What the app mode does about a Slack error (`SlackApiError.action`):
 *   retry       transient (rate limited beyond the deadline, 5xx, network): the event is retried by Lambda
 *   repost      the parent is gone or cannot be edited (message_not_found, cant_update_message): post a new one
 *   channel     the channel cannot take posts (channel_not_found, not_in_channel, is_archived): use the default
 *               channel, else email
 *   auth        the token is bad (invalid_auth, not_authed, token_revoked, account_inactive, missing_scope):
 *               nothing goes to Slack; email takes the message if configured
 *   payload     Slack refused the request itself (invalid_blocks, msg_too_long; a user group that does not
 *               exist, no_such_subteam): not retried
 */
export type SlackErrorAction = "retry" | "repost" | "channel" | "auth" | "payload";
