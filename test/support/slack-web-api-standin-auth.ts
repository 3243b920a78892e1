/**
 * auth.test in the Slack Web API stand-in (https://docs.slack.dev/reference/methods/auth.test): "Checks
 * authentication & identity"; `POST https://slack.com/api/auth.test`; no scope required; content types
 * `application/x-www-form-urlencoded` and `application/json`; the token "as an HTTP Authorization header or
 * alternatively, as a POST parameter". Answers `ok, url, team, user, team_id, user_id`, `bot_id` for a bot token,
 * `enterprise_id` "when working against a team within an Enterprise organization", and `is_enterprise_install`
 * (the fields of @slack/web-api's AuthTestResponse). Errors: `not_authed` (no token), `invalid_auth` (unknown),
 * `token_revoked`. Modelled where the docs are silent: a `token` inside a JSON body is not read (as for chat.*),
 * another HTTP method answers 405 `invalid_post_type`, and a POST without a content type `missing_post_type`.
 */
import type { IncomingMessage } from "node:http";
import { type Answer, slackError } from "./slack-standin-answers.js";
import type { StandinApp, StandinToken } from "./slack-standin-types.js";

export interface AuthTestContext {
  tokens: Map<string, StandinToken>;
  revoked: Set<string>;
  app: StandinApp;
}

const FORM = "application/x-www-form-urlencoded";

export function authTestHandler(context: AuthTestContext) {
  return (req: IncomingMessage, raw: string): Answer => {
    if (req.method !== "POST") return { status: 405, body: { ok: false, error: "invalid_post_type" } };
    const type = (req.headers["content-type"] ?? "").toLowerCase();
    if (!type) return slackError("missing_post_type");
    if (!type.startsWith(FORM) && !type.startsWith("application/json"))
      return slackError("invalid_post_type");
    const header = req.headers.authorization;
    const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
    const token =
      bearer ?? (type.startsWith(FORM) ? new URLSearchParams(raw).get("token") : null) ?? undefined;
    if (!token) return slackError("not_authed");
    if (context.revoked.has(token)) return slackError("token_revoked");
    const auth = context.tokens.get(token);
    if (!auth) return slackError("invalid_auth");
    const { app } = context;
    return {
      status: 200,
      body: {
        ok: true,
        url: `https://${app.teamDomain}.slack.com/`,
        team: app.teamName ?? app.teamDomain,
        user: auth.botName ?? "ecs-sentinel",
        team_id: app.teamId,
        user_id: auth.botUserId,
        bot_id: auth.botId,
        ...(app.enterpriseId ? { enterprise_id: app.enterpriseId } : {}),
        is_enterprise_install: app.isEnterpriseInstall ?? false,
      },
    };
  };
}
