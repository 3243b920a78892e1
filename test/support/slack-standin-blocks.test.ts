import { describe, expect, it } from "vitest";
import { call, post, standin, start } from "./slack-standin-harness.js";
import { STANDIN_CHANNEL } from "./slack-web-api-standin.js";

describe("Slack Web API stand-in: Block Kit limits", () => {
  const header = (text: string) => ({ type: "header", text: { type: "plain_text", text } });
  const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
  const button = (text: string, url = "https://console.aws.amazon.com/ecs", action_id = text) => ({
    type: "button",
    text: { type: "plain_text", text },
    url,
    action_id,
  });
  const cases: Array<[string, unknown[], string]> = [
    ["51 blocks", Array.from({ length: 51 }, (_, i) => header(`h${i}`)), "/blocks"],
    ["an unknown block type", [{ type: "headline", text: mrkdwn("x") }], "/blocks/0/type"],
    ["a header of 151 characters", [header("h".repeat(151))], "/blocks/0/text/text"],
    ["a mrkdwn header", [{ type: "header", text: mrkdwn("x") }], "/blocks/0/text/type"],
    [
      "a section text of 3001 characters",
      [{ type: "section", text: mrkdwn("s".repeat(3001)) }],
      "/blocks/0/text/text",
    ],
    ["an empty section text", [{ type: "section", text: mrkdwn("") }], "/blocks/0/text/text"],
    ["a section without text or fields", [{ type: "section" }], "/blocks/0"],
    [
      "11 fields",
      [{ type: "section", fields: Array.from({ length: 11 }, () => mrkdwn("f")) }],
      "/blocks/0/fields",
    ],
    [
      "a field of 2001 characters",
      [{ type: "section", fields: [mrkdwn("f".repeat(2001))] }],
      "/blocks/0/fields/0/text",
    ],
    [
      "11 context elements",
      [{ type: "context", elements: Array.from({ length: 11 }, () => mrkdwn("c")) }],
      "/blocks/0/elements",
    ],
    [
      "26 buttons",
      [{ type: "actions", elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }],
      "/blocks/0/elements",
    ],
    [
      "a button text of 76 characters",
      [{ type: "actions", elements: [button("b".repeat(76))] }],
      "/blocks/0/elements/0/text/text",
    ],
    [
      "a button url of 3001 characters",
      [{ type: "actions", elements: [button("open", `https://x.example/${"u".repeat(2983)}`)] }],
      "/blocks/0/elements/0/url",
    ],
    [
      "two buttons with one action_id",
      [{ type: "actions", elements: [button("a", undefined, "same"), button("b", undefined, "same")] }],
      "/blocks/0/elements/1/action_id",
    ],
    ["a block_id of 256 characters", [{ ...header("h"), block_id: "b".repeat(256) }], "/blocks/0/block_id"],
    [
      "a repeated block_id",
      [
        { ...header("a"), block_id: "x" },
        { ...header("b"), block_id: "x" },
      ],
      "/blocks/1/block_id",
    ],
    ["an unknown property", [{ ...header("h"), color: "red" }], "/blocks/0/color"],
  ];

  it.each(cases)(
    "answers invalid_blocks for %s, pointing at the offending field",
    async (_name, blocks, pointer) => {
      await start();

      const { body } = await post({ blocks });

      expect(body.error).toBe("invalid_blocks");
      expect(
        (body.errors as string[]).some((e) => e.endsWith(`[json-pointer:${pointer}]`)),
        JSON.stringify(body),
      ).toBe(true);
      expect(standin().messages).toHaveLength(0);
    },
  );

  it("accepts blocks exactly at every limit", async () => {
    await start();
    const blocks = [
      header("h".repeat(150)),
      { type: "section", text: mrkdwn("s".repeat(3000)), block_id: "b".repeat(255) },
      { type: "section", fields: Array.from({ length: 10 }, () => mrkdwn("f".repeat(2000))) },
      { type: "context", elements: Array.from({ length: 10 }, () => mrkdwn("c")) },
      { type: "actions", elements: Array.from({ length: 25 }, (_, i) => button(`${i}`.padEnd(75, "b"))) },
      ...Array.from({ length: 45 }, () => ({ type: "divider" })),
    ];

    const { body } = await post({ blocks });

    expect(blocks).toHaveLength(50);
    expect(body.ok, JSON.stringify(body)).toBe(true);
  });

  it("validates the blocks of chat.update too", async () => {
    await start();
    const parent = await post({});

    const { body } = await call("chat.update", {
      channel: STANDIN_CHANNEL.id,
      ts: parent.body.ts,
      text: "x",
      blocks: [header("h".repeat(151))],
    });

    expect(body.error).toBe("invalid_blocks");
    expect(standin().counts().edits).toBe(0);
  });
});
