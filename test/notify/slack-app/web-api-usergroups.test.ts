import { describe, expect, it } from "vitest";
import type { SlackErrorAction } from "../../../src/shared/notify/slack-app/api-port.js";
import {
  KNOWN_SLACK_ERROR_CODES,
  SlackMalformedResponseError,
  slackErrorMeaning,
} from "../../../src/shared/notify/slack-app/errors.js";
import { staticToken } from "../../../src/shared/notify/slack-app/web-api.js";
import { STANDIN_TOKEN } from "../../support/slack-web-api-standin.js";
import { OTHER_BOT, rejection, setup, standin } from "./web-api-setup.js";

/**
 * The documented errors of usergroups.users.list (docs.slack.dev/reference/methods/usergroups.users.list,
 * "Errors", and Slack's common errors it lists), as of 2026-09.
 */
const DOCUMENTED =
  "no_such_subteam plan_upgrade_required invalid_cursor not_authed invalid_auth account_inactive token_revoked token_expired no_permission org_login_required ekm_access_denied missing_scope is_bot user_is_restricted invalid_arguments invalid_arg_name invalid_charset invalid_form_data invalid_post_type missing_post_type team_added_to_org request_timeout fatal_error access_denied accesslimited deprecated_endpoint enterprise_is_restricted ratelimited two_factor_setup_required not_allowed_token_type method_deprecated service_unavailable internal_error team_access_not_granted missing_argument".split(
    " ",
  );

const GROUPS = [
  { id: "S0ONCALL01", users: ["U0ANA", "U0BEN", "U0ANA"] },
  { id: "S0RETIRED1", users: ["U0OLD"], disabled: true },
];

describe("Slack Web API adapter: user groups", () => {
  it("lists a group's members with a form body and the bearer token", async () => {
    const { api } = await setup({}, { usergroups: GROUPS });

    const members = await api.usergroupMembers("S0ONCALL01");

    expect(members).toEqual(["U0ANA", "U0BEN"]);
    const [request] = standin().requests;
    expect(request?.headers.authorization).toBe(`Bearer ${STANDIN_TOKEN.token}`);
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded; charset=utf-8");
    expect(request?.json).toEqual({ usergroup: "S0ONCALL01" });
  });

  it("refuses a disabled group: it grants nothing", async () => {
    const { api } = await setup({}, { usergroups: GROUPS });

    const error = await rejection(api.usergroupMembers("S0RETIRED1"));

    expect([error.code, error.action, error.usergroup]).toEqual(["no_such_subteam", "payload", "S0RETIRED1"]);
    expect(error.hint).toContain("SLACK_APPROVERS");
    expect(error.message).toContain("usergroups.users.list of S0RETIRED1 failed");
  });

  it("names usergroups:read when the token lacks it", async () => {
    const { api } = await setup({ token: staticToken(OTHER_BOT.token) }, { usergroups: GROUPS });

    const error = await rejection(api.usergroupMembers("S0ONCALL01"));

    expect([error.code, error.action]).toEqual(["missing_scope", "auth"]);
    expect(error.hint).toContain("usergroups:read");
    expect(error.detail).toBe("needed: usergroups:read; provided: chat:write");
  });

  it("says a plan without user groups needs user IDs instead", async () => {
    const { api } = await setup({}, { usergroups: GROUPS, userGroupsAvailable: false });

    const error = await rejection(api.usergroupMembers("S0ONCALL01"));

    expect([error.code, error.action]).toEqual(["plan_upgrade_required", "payload"]);
    expect(error.hint).toContain("user IDs");
  });

  it.each(["@oncall", "oncall", "U0ANA", "s0oncall01", ""])(
    "refuses %j as a group ID before calling Slack",
    async (id) => {
      const { api } = await setup({}, { usergroups: GROUPS });

      const error = await rejection(api.usergroupMembers(id));

      expect([error.code, error.action]).toEqual(["invalid_usergroup_id", "payload"]);
      expect(standin().requests).toHaveLength(0);
    },
  );

  it("waits Retry-After on Slack's Tier 2 limit, then lists", async () => {
    const { api, time } = await setup({}, { usergroups: GROUPS, usergroupCallsPerMinute: 1 }, 600_000);

    await api.usergroupMembers("S0ONCALL01");
    const members = await api.usergroupMembers("S0ONCALL01");

    expect(members).toEqual(["U0ANA", "U0BEN"]);
    expect(time.sleeps).toEqual([60_000]);
    expect(standin().requests.map((r) => r.answer)).toEqual(["ok", "ratelimited", "ok"]);
  });

  it.each([
    ['{"ok":true}', "ok: true without a users list"],
    ['{"ok":true,"users":["U0ANA",42]}', "a member that is not a user ID"],
  ])("throws a malformed-response error for %s", async (body, problem) => {
    const { api } = await setup({}, { usergroups: GROUPS });
    standin().failNext("usergroups.users.list", { status: 200, body });

    const error = await rejection(api.usergroupMembers("S0ONCALL01"));

    expect(error).toBeInstanceOf(SlackMalformedResponseError);
    expect(error.message).toContain(problem);
  });

  it("maps every documented error, none of them to a channel or a repost", () => {
    const unmapped = DOCUMENTED.filter((code) => !KNOWN_SLACK_ERROR_CODES.includes(code));
    const actions = new Set<SlackErrorAction>(
      DOCUMENTED.map((code) => slackErrorMeaning(code, "usergroups.users.list").action),
    );

    expect(unmapped).toEqual([]);
    expect([...actions].sort()).toEqual(["auth", "payload", "retry"]);
  });

  it("keeps the posting meaning of a code for chat methods", () => {
    expect(slackErrorMeaning("missing_scope").hint).toContain("chat:write");
    expect(slackErrorMeaning("no_permission", "chat.postMessage").action).toBe("channel");
    expect(slackErrorMeaning("no_permission", "usergroups.users.list").action).toBe("auth");
  });

  it("never logs the token", async () => {
    const { api, logger } = await setup({}, { usergroups: GROUPS, userGroupsAvailable: false });

    await rejection(api.usergroupMembers("S0ONCALL01"));

    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.text()).not.toContain(STANDIN_TOKEN.token);
    expect(logger.text()).toContain("S0ONCALL01");
  });
});
