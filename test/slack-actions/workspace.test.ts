import { describe, expect, it } from "vitest";
import { SlackApiError, SlackMalformedResponseError } from "../../src/shared/notify/slack-app/errors.js";
import { buildSlackWebApi, staticToken } from "../../src/shared/notify/slack-app/web-api.js";
import {
  type BotWorkspace,
  BotWorkspaceUnknownError,
  botWorkspaceOf,
  matchWorkspace,
  rememberedBotWorkspace,
} from "../../src/shared/slack-actions/workspace.js";
import { OTHER_BOT, standin, start } from "../support/slack-standin-harness.js";
import { STANDIN_APP, STANDIN_TOKEN } from "../support/slack-web-api-standin.js";
import { recordingLog } from "./helpers.js";

const TEAM: BotWorkspace = { kind: "team", teamId: "T0OURTEAM1" };
const GRID: BotWorkspace = { kind: "enterprise", enterpriseId: "E0ACMEORG1", teamId: "T0OURTEAM1" };

describe("matchWorkspace", () => {
  it("accepts a click whose team.id and user.team_id are both the bot's team", () => {
    const match = matchWorkspace({ teamId: "T0OURTEAM1", userTeamId: "T0OURTEAM1" }, TEAM);

    expect(match).toEqual({ same: true });
  });

  it("refuses a click from another team, and one whose user belongs to another team", () => {
    const otherTeam = matchWorkspace({ teamId: "T0THEIRS01", userTeamId: "T0THEIRS01" }, TEAM);
    const otherUser = matchWorkspace({ teamId: "T0OURTEAM1", userTeamId: "T0THEIRS01" }, TEAM);

    expect(otherTeam).toEqual({ same: false, compared: "team", clicked: "T0THEIRS01", bot: "T0OURTEAM1" });
    expect(otherUser).toEqual({ same: false, compared: "team", clicked: "T0THEIRS01", bot: "T0OURTEAM1" });
  });

  it("refuses a click that names no team at all", () => {
    const match = matchWorkspace({}, TEAM);

    expect(match).toEqual({ same: false, compared: "team", bot: "T0OURTEAM1" });
  });

  it("compares the organization for a Grid install, whatever workspace of it the click comes from", () => {
    const sameOrg = matchWorkspace({ teamId: "T0ACMEUS01", enterpriseId: "E0ACMEORG1" }, GRID);
    const otherOrg = matchWorkspace({ teamId: "T0OURTEAM1", enterpriseId: "E0OTHERORG" }, GRID);
    const noOrg = matchWorkspace({ teamId: "T0OURTEAM1", userTeamId: "T0OURTEAM1" }, GRID);

    expect(sameOrg).toEqual({ same: true });
    expect(otherOrg).toMatchObject({ same: false, compared: "enterprise", clicked: "E0OTHERORG" });
    expect(noOrg).toEqual({ same: false, compared: "enterprise", bot: "E0ACMEORG1" });
  });
});

describe("rememberedBotWorkspace", () => {
  it("asks once for concurrent and later callers, and logs the workspace once", async () => {
    let lookups = 0;
    const log = recordingLog();
    const workspace = rememberedBotWorkspace(async () => {
      lookups++;
      return TEAM;
    }, log);

    const answers = await Promise.all([workspace(), workspace(), workspace()]);
    const later = await workspace();

    expect(lookups).toBe(1);
    expect([...answers, later]).toEqual([TEAM, TEAM, TEAM, TEAM]);
    expect(log.lines.map((line) => [line.level, line.message, line.fields])).toEqual([
      ["info", "Slack bot workspace confirmed (auth.test)", { botTeam: "T0OURTEAM1" }],
    ]);
  });

  it("does not remember a failure: the next call asks again, and its answer is then kept", async () => {
    const answers: Array<() => Promise<BotWorkspace>> = [
      async () => {
        throw new Error("Slack is down");
      },
      async () => TEAM,
    ];
    let lookups = 0;
    const workspace = rememberedBotWorkspace(() => {
      lookups++;
      return (answers.shift() ?? (async () => GRID))();
    }, recordingLog());

    const first = await workspace().catch((error: Error) => error.message);
    const second = await workspace();
    const third = await workspace();

    expect(first).toBe("Slack is down");
    expect([second, third]).toEqual([TEAM, TEAM]);
    expect(lookups).toBe(2);
  });
});

describe("botWorkspaceOf", () => {
  it("fails closed when the Web API port has no auth.test", async () => {
    const lookup = botWorkspaceOf({});

    await expect(lookup()).rejects.toBeInstanceOf(BotWorkspaceUnknownError);
  });

  it("takes the organization when auth.test names one, else the team", async () => {
    const grid = botWorkspaceOf({
      authTest: async () => ({
        teamId: "T0OURTEAM1",
        enterpriseId: "E0ACMEORG1",
        isEnterpriseInstall: false,
      }),
    });
    const team = botWorkspaceOf({
      authTest: async () => ({ teamId: "T0OURTEAM1", isEnterpriseInstall: false }),
    });

    expect(await grid()).toEqual(GRID);
    expect(await team()).toEqual(TEAM);
  });
});

describe("the Web API adapter's auth.test", () => {
  const api = (token = STANDIN_TOKEN.token) =>
    buildSlackWebApi({ baseUrl: standin().url, token: staticToken(token), fetch, sleep: async () => {} });

  it("reads the bot's workspace, bot user and bot from the answer, over POST with the bearer token", async () => {
    await start();

    const identity = await api().authTest();

    expect(identity).toEqual({
      teamId: STANDIN_APP.teamId,
      isEnterpriseInstall: false,
      userId: STANDIN_TOKEN.botUserId,
      botId: STANDIN_TOKEN.botId,
    });
    expect(standin().requests.map((r) => [r.method, r.httpMethod, r.headers.authorization])).toEqual([
      ["auth.test", "POST", `Bearer ${STANDIN_TOKEN.token}`],
    ]);
  });

  it("reads the Grid organization and an organization-wide install", async () => {
    await start({ app: { enterpriseId: "E0ACMEORG1", isEnterpriseInstall: true } });

    const identity = await api(OTHER_BOT.token).authTest();

    expect(identity).toMatchObject({ enterpriseId: "E0ACMEORG1", isEnterpriseInstall: true });
  });

  it("throws Slack's auth error for a revoked token, and a malformed-answer error for an answer without ids", async () => {
    await start();
    standin().failNext("auth.test", { status: 200, body: '{"ok":true,"team_id":"not an id"}' });
    const malformed = await api()
      .authTest()
      .catch((error: unknown) => error);
    standin().revoke(STANDIN_TOKEN.token);

    const revoked = await api()
      .authTest()
      .catch((error: unknown) => error);

    expect(malformed).toBeInstanceOf(SlackMalformedResponseError);
    expect(revoked).toBeInstanceOf(SlackApiError);
    expect(revoked).toMatchObject({ method: "auth.test", code: "token_revoked", action: "auth" });
    expect(String((revoked as Error).message)).not.toContain(STANDIN_TOKEN.token);
  });
});
