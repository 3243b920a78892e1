import { describe, expect, it } from "vitest";
import { OTHER_BOT, standin, start } from "./slack-standin-harness.js";
import { STANDIN_APP, STANDIN_TOKEN } from "./slack-web-api-standin.js";

const FORM = "application/x-www-form-urlencoded";

/** auth.test as a POST with an empty form body, the token in the Authorization header unless told otherwise. */
async function authTest(
  init: { token?: string | null; type?: string | null; body?: string; method?: string } = {},
) {
  const headers: Record<string, string> = {};
  const token = init.token === undefined ? STANDIN_TOKEN.token : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const type = init.type === undefined ? FORM : init.type;
  if (type !== null) headers["content-type"] = type;
  const method = init.method ?? "POST";
  const body = method === "GET" ? undefined : new TextEncoder().encode(init.body ?? "");
  const response = await fetch(`${standin().url}auth.test`, { method, headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("Slack stand-in: auth.test", () => {
  it("tells a bot token who it is: the workspace's url, name and team_id, the bot user and bot id", async () => {
    await start();

    const { status, body } = await authTest();

    expect(status).toBe(200);
    expect(body).toEqual({
      ok: true,
      url: `https://${STANDIN_APP.teamDomain}.slack.com/`,
      team: STANDIN_APP.teamDomain,
      user: "ecs-sentinel",
      team_id: STANDIN_APP.teamId,
      user_id: STANDIN_TOKEN.botUserId,
      bot_id: STANDIN_TOKEN.botId,
      is_enterprise_install: false,
    });
    expect(standin().requests.map((r) => [r.method, r.answer])).toEqual([["auth.test", "ok"]]);
  });

  it("names the Enterprise Grid organization and an organization-wide install when configured", async () => {
    await start({ app: { enterpriseId: "E0ACMEORG1", isEnterpriseInstall: true, teamName: "Acme EU" } });

    const { body } = await authTest();

    expect(body).toMatchObject({
      ok: true,
      team: "Acme EU",
      team_id: STANDIN_APP.teamId,
      enterprise_id: "E0ACMEORG1",
      is_enterprise_install: true,
    });
  });

  it("needs no scope: a token with chat:write only is answered", async () => {
    await start();

    const { body } = await authTest({ token: OTHER_BOT.token });

    expect(body).toMatchObject({ ok: true, user_id: OTHER_BOT.botUserId, bot_id: OTHER_BOT.botId });
  });

  it("answers not_authed without a token, invalid_auth for an unknown one and token_revoked for a revoked one", async () => {
    await start();

    const none = await authTest({ token: null });
    const unknown = await authTest({ token: "xoxb-not-a-known-token" });
    standin().revoke(STANDIN_TOKEN.token);
    const revoked = await authTest();

    expect([none.body, unknown.body, revoked.body]).toEqual([
      { ok: false, error: "not_authed" },
      { ok: false, error: "invalid_auth" },
      { ok: false, error: "token_revoked" },
    ]);
  });

  it("reads the token as a POST parameter of a form body, not from a JSON body", async () => {
    await start();
    const token = STANDIN_TOKEN.token;

    const form = await authTest({ token: null, body: new URLSearchParams({ token }).toString() });
    const json = await authTest({ token: null, type: "application/json", body: JSON.stringify({ token }) });

    expect(form.body).toMatchObject({ ok: true, team_id: STANDIN_APP.teamId });
    expect(json.body).toEqual({ ok: false, error: "not_authed" });
  });

  it("takes POST only, with a content type", async () => {
    await start();

    const get = await authTest({ method: "GET", type: null });
    const untyped = await authTest({ type: null });

    expect([get.status, get.body.error]).toEqual([405, "invalid_post_type"]);
    expect(untyped.body).toEqual({ ok: false, error: "missing_post_type" });
  });
});
