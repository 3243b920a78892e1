import { describe, expect, it } from "vitest";
import { parseSlackActionBody } from "../../src/shared/slack-actions/payload.js";
import { slackFormBody } from "../support/slack-signing.js";
import { fixturePayload } from "./helpers.js";

const withActions = (actions: unknown[]) => ({ ...fixturePayload(), actions });
const button = (action_id: string, value = "v") => ({
  type: "button",
  action_id,
  value,
  action_ts: "1767326130.1",
});

describe("parseSlackActionBody", () => {
  it("turns Slack's block_actions click on our button into a ClickedAction", () => {
    const result = parseSlackActionBody(slackFormBody(fixturePayload()));

    expect(result).toEqual({
      kind: "click",
      click: {
        kind: "rollback",
        value: "card:1767326126.896109",
        userId: "U0CA5AMY",
        userName: "amy.mcgee",
        teamId: "T0CAG7XYZ",
        userTeamId: "T0CAG7XYZ",
        channel: "C0CA5OPS",
        messageTs: "1767326126.896109",
        threadTs: "1767326125.870439",
        responseUrl: "https://hooks.slack.com/actions/T0CAG7XYZ/1509734234/BD6uCjnmHnq6a7IrUyCEmZsw",
        actionTs: "1767326130.289415",
      },
    });
  });

  it("reads the workspace from team.id and user.team_id, and the Enterprise Grid organization from enterprise.id", () => {
    const payload = {
      ...fixturePayload(),
      team: { id: "T0GRIDWS1", domain: "acme-eu" },
      user: { id: "W0CA5AMY", name: "amy", team_id: "T0GRIDHOME" },
      enterprise: { id: "E0ACMEORG", name: "Acme" },
    };

    const result = parseSlackActionBody(slackFormBody(payload));

    expect(result.kind === "click" && result.click).toMatchObject({
      teamId: "T0GRIDWS1",
      userTeamId: "T0GRIDHOME",
      enterpriseId: "E0ACMEORG",
    });
  });

  it("takes the first of our buttons when the payload lists others first", () => {
    const body = slackFormBody(
      withActions([button("someone-else.approve"), button("ecs-sentinel.mute-1h", "m")]),
    );

    const result = parseSlackActionBody(body);

    expect(result.kind === "click" && result.click.kind).toBe("mute-1h");
    expect(result.kind === "click" && result.click.value).toBe("m");
  });

  it("reads the thread from message.thread_ts when the container has none, and the channel from channel.id", () => {
    const payload = fixturePayload();
    payload.container = { type: "message", message_ts: "1767326126.896109", is_ephemeral: false };

    const result = parseSlackActionBody(slackFormBody(payload));

    expect(result.kind === "click" && result.click.threadTs).toBe("1767326125.870439");
    expect(result.kind === "click" && result.click.channel).toBe("C0CA5OPS");
  });

  it("leaves out what the payload does not carry (no thread, no response_url)", () => {
    const payload = fixturePayload();
    payload.container = { type: "message", message_ts: "1767326126.896109", channel_id: "C0CA5OPS" };
    payload.message = { type: "message", ts: "1767326126.896109" };
    delete payload.response_url;

    const result = parseSlackActionBody(slackFormBody(payload));

    expect(result.kind).toBe("click");
    expect(result.kind === "click" && Object.keys(result.click)).not.toContain("threadTs");
    expect(result.kind === "click" && Object.keys(result.click)).not.toContain("responseUrl");
  });

  it("ignores a click on buttons that are not ecs-sentinel's", () => {
    const result = parseSlackActionBody(
      slackFormBody(withActions([button("ecs-sentinel.delete-everything")])),
    );

    expect(result).toEqual({
      kind: "ignored",
      reason: "no ecs-sentinel button among the actions (ecs-sentinel.delete-everything)",
    });
  });

  it("ignores other payload types (view_submission, shortcut, interactive_message)", () => {
    for (const type of ["view_submission", "shortcut", "interactive_message"]) {
      const result = parseSlackActionBody(slackFormBody({ type, user: { id: "U1" } }));

      expect(result).toEqual({ kind: "ignored", reason: `payload type ${type}` });
    }
  });

  it("ignores a click in a modal (container type view)", () => {
    const payload = { ...fixturePayload(), container: { type: "view", view_id: "V0PKB1ZFV" } };

    expect(parseSlackActionBody(slackFormBody(payload)).kind).toBe("ignored");
  });

  it("calls a body that is not a form with one JSON payload malformed, without throwing", () => {
    const bodies = [
      "",
      "payload=",
      "payload=%7Bnot-json",
      "payload=%5B%5D",
      `${slackFormBody(fixturePayload())}&${slackFormBody(fixturePayload())}`,
      JSON.stringify(fixturePayload()),
      "payload=null",
    ];
    for (const body of bodies) {
      const result = parseSlackActionBody(body);

      expect(result.kind, body.slice(0, 30)).toBe("malformed");
    }
  });

  it("calls a block_actions payload without a user, actions or message ts malformed", () => {
    const noUser = { ...fixturePayload(), user: undefined };
    const noActions = { ...fixturePayload(), actions: "rollback" };
    const noTs = { ...fixturePayload(), container: { type: "message", channel_id: "C1" }, message: null };
    const badTs = {
      ...fixturePayload(),
      container: { type: "message", channel_id: "C1", message_ts: "<script>" },
    };

    for (const payload of [noUser, noActions, noTs, badTs]) {
      expect(parseSlackActionBody(slackFormBody(payload)).kind).toBe("malformed");
    }
  });

  it("does not quote the body in the reason of a malformed payload", () => {
    const result = parseSlackActionBody("payload=%7B%22secret-looking%22%3A");

    expect(result.kind).toBe("malformed");
    expect(JSON.stringify(result)).not.toContain("secret-looking");
  });
});
