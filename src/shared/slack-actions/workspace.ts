/**
 * The bot's own Slack workspace, and whether a click comes from it. An app installed in several workspaces signs
 * every workspace's requests with its one signing secret, so a valid signature does not say whose click it is.
 * The click's workspace — the payload's `team.id` and `user.team_id`, or for an Enterprise Grid install its
 * `enterprise.id` (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload) — must be the one
 * the bot token belongs to, which Slack's auth.test tells: `team_id`, and `enterprise_id` "when working against a
 * team within an Enterprise organization" (https://docs.slack.dev/reference/methods/auth.test). The workspaces of
 * a Grid organization share one installation, so there the organization is compared, not the workspace.
 *
 * Fail closed: a click naming no workspace is another workspace's, and when Slack cannot confirm the bot's
 * workspace the click is refused, never let through unchecked.
 */
import { errorSummary } from "../aws-errors.js";
import type { Log } from "../log.js";
import type { SlackApi } from "../notify/slack-app/api-port.js";
import type { ActionDecision, ClickedAction } from "./types.js";

/** The workspace (T…) the bot token was installed in, or the Grid organization (E…) it belongs to. */
export type BotWorkspace =
  | { kind: "team"; teamId: string }
  | { kind: "enterprise"; enterpriseId: string; teamId?: string };

export type BotWorkspaceLookup = () => Promise<BotWorkspace>;

/** The bot's workspace cannot be known: the Web API port offers no auth.test. */
export class BotWorkspaceUnknownError extends Error {
  override readonly name = "BotWorkspaceUnknownError";
}

/** The bot's workspace through the Web API port's auth.test. */
export function botWorkspaceOf(api: Pick<SlackApi, "authTest">): BotWorkspaceLookup {
  return async () => {
    if (!api.authTest)
      throw new BotWorkspaceUnknownError(
        "this Slack Web API has no auth.test: the bot's workspace is unknown",
      );
    const identity = await api.authTest();
    if (identity.enterpriseId) {
      return {
        kind: "enterprise",
        enterpriseId: identity.enterpriseId,
        ...(identity.teamId ? { teamId: identity.teamId } : {}),
      };
    }
    if (identity.teamId) return { kind: "team", teamId: identity.teamId };
    throw new BotWorkspaceUnknownError("auth.test named neither a team nor an enterprise");
  };
}

const idsOf = (workspace: BotWorkspace) =>
  workspace.kind === "enterprise"
    ? { botEnterprise: workspace.enterpriseId, ...(workspace.teamId ? { botTeam: workspace.teamId } : {}) }
    : { botTeam: workspace.teamId };

/**
 * Asks once per container (the bot token's workspace does not change while it runs); concurrent first clicks
 * share one call. A failed lookup is not remembered: the next click asks Slack again.
 */
export function rememberedBotWorkspace(lookup: BotWorkspaceLookup, log: Log): BotWorkspaceLookup {
  let pending: Promise<BotWorkspace> | undefined;
  return () => {
    if (!pending) {
      const attempt: Promise<BotWorkspace> = lookup().then(
        (workspace) => {
          log.info("Slack bot workspace confirmed (auth.test)", idsOf(workspace));
          return workspace;
        },
        (error: unknown) => {
          if (pending === attempt) pending = undefined;
          throw error;
        },
      );
      pending = attempt;
    }
    return pending;
  };
}

export type WorkspaceMatch =
  | { same: true }
  /** `clicked` is the click's differing id, absent when the click names none. */
  | { same: false; compared: "team"; clicked?: string; bot: string }
  | { same: false; compared: "enterprise"; clicked?: string; bot: string };

/**
 * Whether the click comes from the bot's workspace. A team install: every team id the click names (`team.id`,
 * `user.team_id`) is the bot's, and it names at least one. A Grid install: `enterprise.id` is the bot's.
 */
export function matchWorkspace(
  click: Pick<ClickedAction, "teamId" | "userTeamId" | "enterpriseId">,
  bot: BotWorkspace,
): WorkspaceMatch {
  if (bot.kind === "enterprise") {
    return click.enterpriseId === bot.enterpriseId
      ? { same: true }
      : { same: false, compared: "enterprise", clicked: click.enterpriseId, bot: bot.enterpriseId };
  }
  const named = [click.teamId, click.userTeamId].filter((id): id is string => id !== undefined);
  const other = named.find((id) => id !== bot.teamId);
  if (named.length > 0 && other === undefined) return { same: true };
  return { same: false, compared: "team", clicked: other, bot: bot.teamId };
}

export const OTHER_WORKSPACE_REPLY = "This button belongs to another Slack workspace: nothing was done.";
export const UNCONFIRMED_WORKSPACE_REPLY =
  "Slack could not confirm which workspace this button belongs to: nothing was done. Try again in a minute.";

/**
 * The workspace check of the action service: undefined when the click comes from the bot's workspace, else the
 * refusal to answer (nothing read, claimed or done). Logs IDs only: never the token or the payload.
 */
export function workspaceGate(botWorkspace: BotWorkspaceLookup, log: Log) {
  return async (click: ClickedAction, fields: object): Promise<ActionDecision | undefined> => {
    let bot: BotWorkspace;
    try {
      bot = await botWorkspace();
    } catch (error) {
      log.error("Slack action refused: Slack could not confirm the bot's workspace (auth.test)", {
        ...fields,
        error: errorSummary(error).slice(0, 300),
      });
      return { reply: UNCONFIRMED_WORKSPACE_REPLY, refused: "workspace-unconfirmed" };
    }
    const match = matchWorkspace(click, bot);
    if (match.same) return undefined;
    const ids =
      match.compared === "enterprise"
        ? { clickEnterprise: match.clicked ?? "none", botEnterprise: match.bot }
        : { clickTeam: match.clicked ?? "none", botTeam: match.bot };
    log.warn("Slack action refused: the click comes from another Slack workspace", { ...fields, ...ids });
    return { reply: OTHER_WORKSPACE_REPLY, refused: "other-workspace" };
  };
}
