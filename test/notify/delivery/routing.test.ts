import { describe, expect, it } from "vitest";
import type { Severity } from "../../../src/shared/diagnosis/types.js";
import type { MessageKind } from "../../../src/shared/notify/message.js";
import { DEFAULT_ROUTING, parseServiceOverrides, routeMessage } from "../../../src/shared/notify/routing.js";

const both = ["slack", "email"] as const;
const msg = (severity: Severity, category = "out-of-memory", kind: MessageKind = "task-stopped") => ({
  severity,
  category,
  kind,
});

describe("routeMessage with the default minimums", () => {
  it.each([
    ["info", { send: false, reason: "routed-out" }, { send: false, reason: "routed-out" }],
    ["warning", { send: true }, { send: false, reason: "routed-out" }],
    ["critical", { send: true }, { send: true }],
  ] as const)("routes a %s message to slack=%j email=%j", (severity, slack, email) => {
    expect(routeMessage(msg(severity), both)).toEqual({ slack, email });
  });

  it("decides only for the enabled channels", () => {
    expect(routeMessage(msg("critical"), ["email"])).toEqual({ email: { send: true } });
  });

  it("sends info to Slack when the configured Slack minimum is info", () => {
    const decisions = routeMessage(msg("info"), both, {
      ...DEFAULT_ROUTING,
      slackMinSeverity: "info",
      emailMinSeverity: "critical",
    });

    expect(decisions.slack).toEqual({ send: true });
    expect(decisions.email).toEqual({ send: false, reason: "routed-out" });
  });
});

describe("routeMessage with service overrides", () => {
  it("mutes every channel when the service is muted", () => {
    expect(routeMessage(msg("critical"), both, undefined, { muteAll: true })).toEqual({
      slack: { send: false, reason: "muted" },
      email: { send: false, reason: "muted" },
    });
  });

  it("mutes only the listed categories", () => {
    const overrides = { muted: ["scaling", "app-exit"] };

    expect(routeMessage(msg("critical", "app-exit"), both, undefined, overrides).slack).toEqual({
      send: false,
      reason: "muted",
    });
    expect(routeMessage(msg("critical", "out-of-memory"), both, undefined, overrides).slack).toEqual({
      send: true,
    });
  });

  it("mutes a whole message kind when the mute list names it", () => {
    const decisions = routeMessage(msg("critical", "FAILED", "deployment"), both, undefined, {
      muted: ["deployment"],
    });

    expect(decisions.slack).toEqual({ send: false, reason: "muted" });
  });

  it("routes out the channels the service did not choose", () => {
    expect(routeMessage(msg("critical"), both, undefined, { channels: ["email"] })).toEqual({
      slack: { send: false, reason: "routed-out" },
      email: { send: true },
    });
  });

  it("treats channels none as muted", () => {
    expect(routeMessage(msg("critical"), both, undefined, { channels: [] }).email).toEqual({
      send: false,
      reason: "muted",
    });
  });

  it("applies the service's minimum severity to every channel", () => {
    expect(routeMessage(msg("info"), both, undefined, { minSeverity: "info" })).toEqual({
      slack: { send: true },
      email: { send: true },
    });
    expect(routeMessage(msg("warning"), both, undefined, { minSeverity: "critical" }).slack).toEqual({
      send: false,
      reason: "routed-out",
    });
  });
});

describe("parseServiceOverrides", () => {
  it.each([
    [{ "ecs-sentinel:mute": "true" }, { muteAll: true }],
    [{ "ecs-sentinel:mute": " TRUE " }, { muteAll: true }],
    [{ "ecs-sentinel:mute": "false" }, {}],
    [{ "ecs-sentinel:mute": "scaling, app-exit" }, { muted: ["scaling", "app-exit"] }],
    [{ "ecs-sentinel:channels": "slack" }, { channels: ["slack"] }],
    [{ "ecs-sentinel:channels": "email" }, { channels: ["email"] }],
    [{ "ecs-sentinel:channels": "slack,email" }, { channels: ["slack", "email"] }],
    [{ "ecs-sentinel:channels": "none" }, { channels: [] }],
    [{ "ecs-sentinel:min-severity": "info" }, { minSeverity: "info" }],
    [{ "ECS-Sentinel:Min-Severity": "Critical" }, { minSeverity: "critical" }],
    [{ team: "payments" }, {}],
  ])("reads %j as %j", (tags, overrides) => {
    expect(parseServiceOverrides(tags)).toEqual({ overrides, problems: [] });
  });

  it.each([
    [{ "ecs-sentinel:channels": "slak" }],
    [{ "ecs-sentinel:channels": "none,slack" }],
    [{ "ecs-sentinel:channels": "" }],
    [{ "ecs-sentinel:min-severity": "loud" }],
  ])("ignores the bad value %j and reports it", (tags) => {
    const { overrides, problems } = parseServiceOverrides(tags);

    expect(overrides).toEqual({});
    expect(problems).toHaveLength(1);
  });

  it("keeps the known categories of a mute list and reports the unknown ones", () => {
    const { overrides, problems } = parseServiceOverrides({ "ecs-sentinel:mute": "scaling,everything" });

    expect(overrides).toEqual({ muted: ["scaling"] });
    expect(problems[0]?.problem).toContain("everything");
  });

  it("makes a hostile value printable and short before reporting it", () => {
    const { problems } = parseServiceOverrides({
      "ecs-sentinel:min-severity": `\u001b[31m${"x".repeat(500)}`,
    });

    expect(problems[0]?.value).toHaveLength(100);
    expect(problems[0]?.value).not.toContain("\u001b");
  });
});

describe("routeMessage for the five channels", () => {
  const all = ["slack", "email", "pagerduty", "teams", "chatbot"] as const;
  const routedOut = { send: false, reason: "routed-out" } as const;
  const sent = { send: true } as const;

  it.each([
    [
      "info",
      { slack: routedOut, email: routedOut, pagerduty: routedOut, teams: routedOut, chatbot: routedOut },
    ],
    ["warning", { slack: sent, email: routedOut, pagerduty: routedOut, teams: sent, chatbot: sent }],
    ["critical", { slack: sent, email: sent, pagerduty: sent, teams: sent, chatbot: sent }],
  ] as const)("routes a %s message by each channel's default minimum", (severity, decisions) => {
    expect(routeMessage(msg(severity), all)).toEqual(decisions);
  });

  it("applies each channel's own configured minimum", () => {
    const decisions = routeMessage(msg("warning"), all, {
      ...DEFAULT_ROUTING,
      slackMinSeverity: "critical",
      pagerdutyMinSeverity: "warning",
      teamsMinSeverity: "critical",
      chatbotMinSeverity: "info",
    });

    expect(decisions).toEqual({
      slack: routedOut,
      email: routedOut,
      pagerduty: sent,
      teams: routedOut,
      chatbot: sent,
    });
  });

  it("sends only to the channels the service's tag names", () => {
    const { overrides } = parseServiceOverrides({ "ecs-sentinel:channels": "pagerduty, teams,chatbot" });

    expect(routeMessage(msg("critical"), all, undefined, overrides)).toEqual({
      slack: routedOut,
      email: routedOut,
      pagerduty: sent,
      teams: sent,
      chatbot: sent,
    });
  });

  it("still applies the minimums to the channels the tag names", () => {
    const { overrides } = parseServiceOverrides({ "ecs-sentinel:channels": "pagerduty,teams" });

    expect(routeMessage(msg("warning"), all, undefined, overrides)).toMatchObject({
      pagerduty: routedOut,
      teams: sent,
    });
  });

  it("mutes all five channels when the service is muted, and when its channels are none", () => {
    const muted = { send: false, reason: "muted" } as const;
    const everyChannelMuted = { slack: muted, email: muted, pagerduty: muted, teams: muted, chatbot: muted };

    expect(routeMessage(msg("critical"), all, undefined, { muteAll: true })).toEqual(everyChannelMuted);
    expect(routeMessage(msg("critical"), all, undefined, { channels: [] })).toEqual(everyChannelMuted);
    expect(routeMessage(msg("critical", "app-exit"), all, undefined, { muted: ["app-exit"] })).toEqual(
      everyChannelMuted,
    );
  });

  it("takes a request to decide to every channel people read, whatever its severity, but never pages for it", () => {
    const review = { ...msg("info", "REVIEW", "deployment-review"), awaitsDecision: {} };

    expect(routeMessage(review, all)).toEqual({
      slack: sent,
      email: sent,
      pagerduty: routedOut,
      teams: sent,
      chatbot: sent,
    });
  });

  it("takes the end of a problem to PagerDuty whatever its minimum, and to the others by theirs", () => {
    const completed = msg("info", "SERVICE_DEPLOYMENT_COMPLETED", "deployment");

    expect(routeMessage(completed, all, undefined, {}, { resolvesProblem: true })).toEqual({
      slack: routedOut,
      email: routedOut,
      pagerduty: sent,
      teams: routedOut,
      chatbot: routedOut,
    });
  });

  it("mutes the end of a problem too, and keeps it from PagerDuty when the tag leaves PagerDuty out", () => {
    const completed = msg("info", "SERVICE_DEPLOYMENT_COMPLETED", "deployment");

    expect(
      routeMessage(completed, ["pagerduty"], undefined, { muteAll: true }, { resolvesProblem: true }),
    ).toEqual({
      pagerduty: { send: false, reason: "muted" },
    });
    expect(
      routeMessage(completed, ["pagerduty"], undefined, { channels: ["slack"] }, { resolvesProblem: true }),
    ).toEqual({ pagerduty: routedOut });
  });
});

describe("parseServiceOverrides: the channels tag names every channel", () => {
  it.each([
    ["pagerduty", ["pagerduty"]],
    ["Teams, CHATBOT", ["teams", "chatbot"]],
    ["slack,email,pagerduty,teams,chatbot", ["slack", "email", "pagerduty", "teams", "chatbot"]],
    ["teams,teams", ["teams"]],
  ])("reads %j", (value, channels) => {
    expect(parseServiceOverrides({ "ecs-sentinel:channels": value })).toEqual({
      overrides: { channels },
      problems: [],
    });
  });

  it.each(["pagerduty,msteams", "amazon-q", "teams;chatbot", "slack,pager-duty"])(
    "ignores the whole tag %j when a name is unknown, and reports every channel it accepts",
    (value) => {
      const { overrides, problems } = parseServiceOverrides({ "ecs-sentinel:channels": value });

      expect(overrides).toEqual({});
      expect(problems).toEqual([
        {
          tag: "ecs-sentinel:channels",
          value,
          problem:
            'expected a list of "slack", "email", "pagerduty", "teams", "chatbot", or "none"; tag ignored',
        },
      ]);
    },
  );
});
