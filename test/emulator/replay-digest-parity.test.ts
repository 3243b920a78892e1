/**
 * "The real run reports what the dry run reports": the crash-loop burst of examples/events (three app-exit
 * stops of `api` within five minutes) replayed for real (DynamoDB state table and SNS in moto, a local Slack
 * webhook) and as a dry run (in-memory twin of the store) gives the same digest: same window, count and tasks.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localSetup } from "../../src/cli/local-stack.js";
import { runReplay } from "../../src/cli/replay.js";
import { captureIo } from "../support/cli-io.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";

const NAMES = ["03-api-crash-1.json", "04-api-crash-2.json", "05-api-crash-3.json"];
const files = Object.fromEntries(
  NAMES.map((name) => [
    `examples/events/${name}`,
    readFileSync(new URL(`../../examples/events/${name}`, import.meta.url), "utf8"),
  ]),
);
const DIGEST = /more app-exit stops? /;

let slack: SlackServer;
let env: Record<string, string>;
beforeAll(async () => {
  slack = await startSlackServer();
  const stack = await localSetup({ stage: "replay-parity" });
  env = {
    ...(process.env as Record<string, string>),
    STATE_TABLE: stack.stateTable,
    NOTIFY_TOPIC_ARN: stack.topicArn,
    SLACK_WEBHOOK_URL: slack.url,
    POWERTOOLS_LOG_LEVEL: "ERROR",
  };
});
afterAll(async () => {
  await slack.close();
});

/** The digest's Slack payload as the dry run prints it: the JSON line after "→ slack: would post ... digest". */
function dryRunDigest(out: string): unknown {
  const lines = out.split("\n");
  const at = lines.findIndex((line) => line.includes("→ slack: would post") && DIGEST.test(line));
  return at < 0 ? undefined : JSON.parse(lines[at + 1]?.trim() ?? "null");
}

describe("replay: the real run and the dry run report the same digest", () => {
  it("renders the crash-loop burst's digest identically in both wirings", async () => {
    const dry = captureIo({ files });
    dry.env = env;
    const real = captureIo({ files });
    real.env = env;

    await runReplay(["--dry-run", ...Object.keys(files)], dry);
    await runReplay(Object.keys(files), real);
    const sent = slack.requests
      .map((request) => request.json as { text?: string })
      .filter((p) => DIGEST.test(p.text ?? ""));

    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain("api · 2 more app-exit stops between 10:02 and 10:04 UTC");
    expect(dryRunDigest(dry.out())).toEqual(sent[0]);
    expect(real.out()).toMatch(/1 digest\(s\) sent at the end/);
    expect(dry.out()).toMatch(/1 digest\(s\) would be sent at the end/);
  }, 60_000);
});
