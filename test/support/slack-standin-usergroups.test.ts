import { describe, expect, it } from "vitest";
import { advance, NO_SCOPE, standin, start } from "./slack-standin-harness.js";
import { STANDIN_TOKEN, type StandinOptions } from "./slack-web-api-standin.js";

const GROUPS: StandinOptions["usergroups"] = [
  { id: "S0ONCALL01", handle: "oncall", users: ["U0ANA", "U0BEN"] },
  { id: "S0RETIRED1", handle: "old-oncall", users: ["U0OLD"], disabled: true },
];

/** usergroups.users.list as a form POST (the method takes no JSON), the token in the Authorization header. */
async function list(args: Record<string, string>, init: { token?: string | null; type?: string } = {}) {
  const headers: Record<string, string> = {
    "content-type": init.type ?? "application/x-www-form-urlencoded",
  };
  const token = init.token === undefined ? STANDIN_TOKEN.token : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const body = init.type === "application/json" ? JSON.stringify(args) : new URLSearchParams(args).toString();
  const response = await fetch(`${standin().url}usergroups.users.list`, { method: "POST", headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("Slack stand-in: usergroups.users.list", () => {
  it("lists a group's members from a form body, and from a GET query with the token as an argument", async () => {
    await start({ usergroups: GROUPS });
    const query = new URLSearchParams({ usergroup: "S0ONCALL01", token: STANDIN_TOKEN.token });

    const posted = await list({ usergroup: "S0ONCALL01" });
    const got = await fetch(`${standin().url}usergroups.users.list?${query}`).then((r) => r.json());

    expect(posted.body).toEqual({ ok: true, users: ["U0ANA", "U0BEN"] });
    expect(got).toEqual({ ok: true, users: ["U0ANA", "U0BEN"] });
  });

  it("follows membership changes made to the stand-in's groups", async () => {
    await start({ usergroups: GROUPS });
    standin().usergroups[0]?.users.push("U0CAROL");

    const { body } = await list({ usergroup: "S0ONCALL01" });

    expect(body.users).toEqual(["U0ANA", "U0BEN", "U0CAROL"]);
  });

  it("does not read the arguments of a JSON body", async () => {
    await start({ usergroups: GROUPS });

    const { body } = await list({ usergroup: "S0ONCALL01" }, { type: "application/json" });

    expect(body).toEqual({ ok: false, error: "invalid_arguments" });
  });

  it("answers no_such_subteam for an unknown group and for a disabled one unless include_disabled", async () => {
    await start({ usergroups: GROUPS });

    const unknown = await list({ usergroup: "S0NOSUCH01" });
    const disabled = await list({ usergroup: "S0RETIRED1" });
    const included = await list({ usergroup: "S0RETIRED1", include_disabled: "true" });

    expect(unknown.body.error).toBe("no_such_subteam");
    expect(disabled.body.error).toBe("no_such_subteam");
    expect(included.body).toEqual({ ok: true, users: ["U0OLD"] });
  });

  it("answers missing_scope naming usergroups:read, not_authed, token_revoked and plan_upgrade_required", async () => {
    await start({ usergroups: GROUPS, userGroupsAvailable: false });

    const noScope = await list({ usergroup: "S0ONCALL01" }, { token: NO_SCOPE.token });
    const noToken = await list({ usergroup: "S0ONCALL01" }, { token: null });
    const plan = await list({ usergroup: "S0ONCALL01" });
    standin().revoke(STANDIN_TOKEN.token);
    const revoked = await list({ usergroup: "S0ONCALL01" });

    expect(noScope.body).toEqual({
      ok: false,
      error: "missing_scope",
      needed: "usergroups:read",
      provided: "channels:read",
    });
    expect(noToken.body.error).toBe("not_authed");
    expect(plan.body.error).toBe("plan_upgrade_required");
    expect(revoked.body.error).toBe("token_revoked");
  });

  it("rate-limits past its per-minute allowance with 429 and Retry-After", async () => {
    await start({ usergroups: GROUPS, usergroupCallsPerMinute: 2 });

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await list({ usergroup: "S0ONCALL01" }));
    const response = await fetch(`${standin().url}usergroups.users.list`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${STANDIN_TOKEN.token}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "usergroup=S0ONCALL01",
    });
    advance(30_000);
    const later = await list({ usergroup: "S0ONCALL01" });

    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(response.headers.get("retry-after")).toBe("30");
    expect(later.body.ok).toBe(true);
    expect(standin().requests.at(-1)?.json).toEqual({ usergroup: "S0ONCALL01" });
  });
});
