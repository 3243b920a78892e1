import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { REPLAY_HELP } from "../../src/cli/replay.js";
import { DETAIL_TYPES } from "../../src/shared/events/schemas.js";
import { captureIo } from "../support/cli-io.js";

const examples = join(import.meta.dirname, "../../examples/events");
const exampleFiles = readdirSync(examples)
  .filter((f) => f.endsWith(".json"))
  .sort();
const files = Object.fromEntries(exampleFiles.map((f) => [f, readFileSync(join(examples, f), "utf8")]));

describe("ecs-sentinel replay --dry-run", () => {
  it("renders what it would send for the sample events without touching AWS, Slack or email", async () => {
    // Arrange: no endpoint, no credentials, no channels: any real call would fail the replay.
    const io = captureIo({ files });

    // Act
    const code = await main(["replay", "--dry-run", ...exampleFiles], io);

    // Assert
    expect(io.err()).not.toMatch(/error/i);
    expect(code).toBe(0);
    expect(io.out()).toContain("[CRITICAL] api: container api ran out of memory");
    expect(io.out()).toMatch(
      /→ slack: would open thread #1 in C\w+ \(incident#prod#service:api#out-of-memory\)/,
    );
    expect(io.out()).toMatch(/→ email: would publish "\[CRITICAL\] /);
    expect(io.out()).toMatch(/dry run: nothing sent or changed/);
  });

  it("sends the first crash of a flood and folds the rest into one digest", async () => {
    const crashes = exampleFiles.filter((f) => f.includes("crash"));
    const io = captureIo({ files });

    await main(["replay", "--dry-run", ...crashes], io);

    expect(crashes.length).toBeGreaterThanOrEqual(3);
    expect(io.out().match(/→ slack: would open thread/g)).toHaveLength(1);
    expect(io.out().match(/→ slack: would post/g)).toBeNull();
    // A counted crash still counts on the thread's card: an edit, no post.
    expect(io.out()).toMatch(/would edit the card of thread #1/);
    expect(io.out()).toMatch(/→ not sent to: slack throttled, email throttled/);
    expect(io.out()).toMatch(
      /would reply in thread #1: .*api · 2 more app-exit stops between 10:02 and 10:04 UTC/,
    );
  });

  it("shows one post per message, as the webhook sends them, when only a webhook is configured", async () => {
    const crashes = exampleFiles.filter((f) => f.includes("crash"));
    const io = Object.assign(captureIo({ files }), {
      env: { SLACK_WEBHOOK_URL: "https://hooks.slack.invalid/services/T0/B0/X" },
    });

    await main(["replay", "--dry-run", ...crashes], io);

    expect(io.out().match(/→ slack: would post \(Block Kit, \d+ blocks\)/g)).toHaveLength(2);
    expect(io.out()).not.toMatch(/thread/);
  });

  it("shows the buttons approvers would get only when SLACK_APPROVERS is set", async () => {
    const oom = exampleFiles.find((f) => f.includes("oom")) ?? "";
    const withApprovers = Object.assign(captureIo({ files }), { env: { SLACK_APPROVERS: "U0123ABCD" } });
    const without = captureIo({ files });

    await main(["replay", "--dry-run", oom], withApprovers);
    await main(["replay", "--dry-run", oom], without);

    expect(withApprovers.out()).toContain('"action_id":"ecs-sentinel.mute-1h"');
    expect(without.out()).not.toContain("ecs-sentinel.mute");
  });

  it("shows the thread structure of a deployment that fails and is rolled back: one card, edits and replies", async () => {
    const story = exampleFiles.filter((f) => /0[2-6]-api|1[34]-api/.test(f));
    const io = captureIo({ files });

    await main(["replay", "--dry-run", ...story], io);

    const out = io.out();
    expect(out.match(/→ slack: would open thread/g)).toHaveLength(1);
    expect(out.match(/→ slack: would post/g)).toBeNull();
    expect(out).toMatch(/would reply in thread #1: \[CRITICAL\] SERVICE_DEPLOYMENT_FAILED/);
    expect(out).toMatch(/would reply in thread #1: \[WARNING\] .*rolling back/);
    expect(out).toMatch(/would edit the card of thread #1: \[WARNING\] Rolled back · api/);
  });

  it("prints the exact Slack JSON and email body with --payloads", async () => {
    const oom = exampleFiles.find((f) => f.includes("oom")) ?? "";
    const io = captureIo({ files });

    await main(["replay", "--dry-run", "--payloads", oom], io);

    expect(io.out()).toMatch(/"type": "header"/);
    expect(io.out()).toMatch(/What to do:/);
  });

  it("routes expected stops nowhere and says so in one line", async () => {
    const scaleIn = exampleFiles.find((f) => f.includes("scale-in")) ?? "";
    const io = captureIo({ files });

    await main(["replay", "--dry-run", scaleIn], io);

    expect(io.out()).toMatch(/not sent: slack routed-out, email routed-out/);
  });

  it("exits 2 and names the file when an input is not JSON, still replaying the others", async () => {
    const oom = exampleFiles.find((f) => f.includes("oom")) ?? "";
    const io = captureIo({ files: { ...files, "broken.json": "{" } });

    const code = await main(["replay", "--dry-run", "broken.json", oom], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/broken\.json: not JSON/);
    expect(io.out()).toContain("ran out of memory");
  });
});

describe("ecs-sentinel replay --help", () => {
  it("names every detail-type replay routes, host events included", () => {
    // Arrange: the help wraps lines, so a name may span two.
    const help = REPLAY_HELP.replace(/\s+/g, " ");

    // Act
    const missing = Object.values(DETAIL_TYPES).filter((detailType) => !help.includes(detailType));

    // Assert
    expect(missing).toEqual([]);
  });
});
