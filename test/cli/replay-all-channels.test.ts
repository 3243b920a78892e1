/**
 * `ecs-sentinel replay --dry-run --all-channels`: PagerDuty, Teams and Amazon Q Developer print what they would be
 * sent, beside Slack and email, without any call; without the flag they show only where configured.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";

const examples = join(import.meta.dirname, "../../examples/events");
const OOM = "01-api-oom-killed.json";
const DEPLOYMENT_STORY = [
  "02-api-deployment-in-progress.json",
  "06-api-deployment-failed.json",
  "13-api-rollback-in-progress.json",
  "14-api-rollback-completed.json",
  "10-web-scale-in.json",
];
const files = Object.fromEntries(
  [OOM, ...DEPLOYMENT_STORY].map((name) => [name, readFileSync(join(examples, name), "utf8")]),
);
// Shaped like an Events API v2 integration key; not a real one.
const ROUTING_KEY = "R0ut1ngK3yF0rT3st5AbCdEfGhIjKlMn";
const snsMock = mockClient(SNSClient);
const ssmMock = mockClient(SSMClient);
const secretsMock = mockClient(SecretsManagerClient);
const fetchSpy = vi.spyOn(globalThis, "fetch");

beforeEach(() => {
  snsMock.reset();
  ssmMock.reset();
  secretsMock.reset();
  fetchSpy.mockClear();
});
afterEach(() => {
  expect(snsMock.calls()).toHaveLength(0);
  expect(ssmMock.calls()).toHaveLength(0);
  expect(secretsMock.calls()).toHaveLength(0);
  expect(fetchSpy).not.toHaveBeenCalled();
});

async function replay(args: string[], env: Record<string, string> = {}) {
  const io = Object.assign(captureIo({ files }), { env });
  const code = await main(["replay", "--dry-run", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** The block of output printed for one file. */
function block(out: string, file: string): string {
  const start = out.indexOf(`${file} ·`);
  const next = out.indexOf("\n━━ ", start);
  return out.slice(start, next < 0 ? undefined : next);
}

describe("replay --dry-run --all-channels", () => {
  it("prints what PagerDuty, Teams and Amazon Q Developer would get for a critical stop", async () => {
    // Act
    const { code, out, err } = await replay(["--all-channels", OOM]);

    // Assert
    expect(code).toBe(0);
    expect(err).toBe("");
    const text = block(out, OOM);
    expect(text).toContain("→ pagerduty: would trigger the incident of flood:prod#service:api#out-of-memory");
    expect(text).toContain(
      '"event_action":"trigger","dedup_key":"ecs-sentinel:flood:prod#service:api#out-of-memory"',
    );
    expect(text).toMatch(/→ teams: would post an Adaptive Card \(\d+ bytes\)/);
    expect(text).toContain('"contentType":"application/vnd.microsoft.card.adaptive"');
    expect(text).toMatch(
      /→ chatbot: would publish a custom notification ".*api: container api ran out of memory" \(thread incident-[0-9a-f]+\)/,
    );
    expect(text).toMatch(/→ slack: would open thread/);
    expect(text).toMatch(/→ email: would publish/);
  });

  it("prints the routing key's placeholder, never a key", async () => {
    const { out } = await replay(["--all-channels", OOM]);

    expect(out).toContain('"routing_key":"(PAGERDUTY_ROUTING_KEY)"');
  });

  it("resolves the flood's incident in the sweep at the end of the replay", async () => {
    const { out } = await replay(["--all-channels", OOM]);

    expect(out).toContain(
      "→ pagerduty: would resolve the incident of flood:prod#service:api#out-of-memory (if open)",
    );
  });

  it("pages for the failed deployment, resolves it when the rollback completes, and never for a scale-in", async () => {
    const { code, out } = await replay(["--all-channels", ...DEPLOYMENT_STORY]);

    expect(code).toBe(0);
    expect(block(out, "02-api-deployment-in-progress.json")).toContain(
      "→ not sent to: email routed-out, pagerduty routed-out, teams routed-out, chatbot routed-out",
    );
    expect(block(out, "06-api-deployment-failed.json")).toContain(
      "→ pagerduty: would trigger the incident of deployment:111122223333:us-east-1:prod/api",
    );
    expect(block(out, "14-api-rollback-completed.json")).toContain(
      "→ pagerduty: would resolve the incident of deployment:111122223333:us-east-1:prod/api (if open)",
    );
    expect(block(out, "10-web-scale-in.json")).not.toMatch(/→ (pagerduty|teams|chatbot):/);
    expect(out.match(/→ pagerduty: would trigger/g)).toHaveLength(1);
  });
});

describe("replay --dry-run without --all-channels", () => {
  it("shows none of PagerDuty, Teams and Amazon Q Developer when none is configured", async () => {
    const { code, out } = await replay([OOM, ...DEPLOYMENT_STORY]);

    expect(code).toBe(0);
    expect(out).toMatch(/→ slack: would open thread/);
    expect(out).not.toMatch(/pagerduty|teams|chatbot/);
  });

  it("shows the channels that are configured, and only those, without reading their secrets", async () => {
    const { out } = await replay([OOM], {
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      CHATBOT_TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:ecs-sentinel-chatbot",
    });

    expect(out).toContain("→ pagerduty: would trigger the incident of flood:prod#service:api#out-of-memory");
    expect(out).toContain("→ chatbot: would publish a custom notification");
    expect(out).not.toContain("→ teams:");
    expect(out).not.toContain(ROUTING_KEY);
  });

  it("shows Teams when its webhook's secret is named", async () => {
    const { out } = await replay([OOM], { TEAMS_WEBHOOK_URL_FROM: "ssm:/ecs-sentinel/teams" });

    expect(out).toMatch(/→ teams: would post an Adaptive Card/);
    expect(out).not.toContain("→ pagerduty:");
    expect(out).not.toContain("→ chatbot:");
  });
});
