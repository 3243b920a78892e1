/**
 * usergroups.users.list in the Slack Web API stand-in (docs.slack.dev/reference/methods/usergroups.users.list):
 * "List all users in a User Group"; GET or POST, `application/x-www-form-urlencoded` ("querystring or POST body.
 * This method does not currently accept application/json"); the token as `Authorization: Bearer` or a `token`
 * argument; bot scope `usergroups:read`; Tier 2 ("20+ per minute"). Answers `{ok: true, users: [U…]}`, or
 * `no_such_subteam` (no group with that ID), `plan_upgrade_required` (a plan without user groups),
 * `not_authed`, `invalid_auth`, `token_revoked`, `missing_scope` (`needed`/`provided`), `invalid_arguments`.
 * Modelled where the docs are silent: a JSON body's arguments are not read (so `usergroup` is missing:
 * `invalid_arguments`), and a disabled group answers `no_such_subteam` unless `include_disabled` is true.
 */
import type { IncomingMessage } from "node:http";
import { type Answer, rateLimited, slackError, tokenBucket } from "./slack-standin-answers.js";
import type { StandinToken, StandinUsergroup } from "./slack-standin-types.js";

export interface UsergroupsContext {
  tokens: Map<string, StandinToken>;
  revoked: Set<string>;
  groups: StandinUsergroup[];
  available: boolean;
  clock: () => number;
  perMinute: number;
}

/** The arguments Slack reads: the query string, plus a form body; a JSON body's arguments are ignored. */
export function usergroupArguments(
  req: IncomingMessage,
  raw: string,
  query: URLSearchParams,
): URLSearchParams {
  const args = new URLSearchParams(query);
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (req.method === "POST" && type.startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(raw)) args.set(key, value);
  }
  return args;
}

export function usergroupsHandler(context: UsergroupsContext) {
  const take = tokenBucket(context.clock, context.perMinute / 60, context.perMinute);
  return (req: IncomingMessage, args: URLSearchParams): Answer => {
    if (req.method !== "GET" && req.method !== "POST")
      return { status: 405, body: { ok: false, error: "invalid_post_type" } };
    const type = req.headers["content-type"];
    if (req.method === "POST" && !type) return slackError("missing_post_type");
    const header = req.headers.authorization;
    const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
    const token = bearer ?? args.get("token") ?? undefined;
    if (!token) return slackError("not_authed");
    if (context.revoked.has(token)) return slackError("token_revoked");
    const auth = context.tokens.get(token);
    if (!auth) return slackError("invalid_auth");
    if (!auth.scopes.includes("usergroups:read"))
      return slackError("missing_scope", { needed: "usergroups:read", provided: auth.scopes.join(",") });
    const wait = take("usergroups.users.list");
    if (wait !== undefined) return rateLimited(wait);
    if (!context.available) return slackError("plan_upgrade_required");
    const id = args.get("usergroup");
    if (!id) return slackError("invalid_arguments");
    const group = context.groups.find((g) => g.id === id);
    const includeDisabled = args.get("include_disabled") === "true" || args.get("include_disabled") === "1";
    if (!group || (group.disabled && !includeDisabled)) return slackError("no_such_subteam");
    return { status: 200, body: { ok: true, users: [...group.users] } };
  };
}
