import { describe, expect, it } from "vitest";
import { call, post, standin, start } from "./slack-standin-harness.js";
import { STANDIN_CHANNEL } from "./slack-web-api-standin.js";

const plain = (text: string) => ({ type: "plain_text", text });
const dialog = (extra: Record<string, unknown> = {}) => ({
  title: plain("Roll back api?"),
  text: plain("api goes back to api:41."),
  confirm: plain("Roll back"),
  deny: plain("Cancel"),
  ...extra,
});
const actionButton = (extra: Record<string, unknown> = {}) => ({
  type: "button",
  action_id: "ecs-sentinel.rollback",
  text: plain("Roll back"),
  value: "ref",
  ...extra,
});
const inActions = (button: unknown) => [{ type: "actions", elements: [button] }];

/** Buttons and their confirm dialogs (button-element and confirmation-dialog-object references). */
function buttonCases(): Array<[string, unknown[], string]> {
  const at = "/blocks/0/elements/0";
  return [
    [
      "a button value of 2001 characters",
      inActions(actionButton({ value: "v".repeat(2001) })),
      `${at}/value`,
    ],
    [
      "an action_id of 256 characters",
      inActions(actionButton({ action_id: "a".repeat(256) })),
      `${at}/action_id`,
    ],
    ["a button style warning", inActions(actionButton({ style: "warning" })), `${at}/style`],
    ["a button without text", inActions(actionButton({ text: undefined })), `${at}/text`],
    [
      "a mrkdwn button text",
      inActions(actionButton({ text: { type: "mrkdwn", text: "x" } })),
      `${at}/text/type`,
    ],
    ["an unknown button property", inActions(actionButton({ disabled: true })), `${at}/disabled`],
    [
      "an accessibility_label of 76 characters",
      inActions(actionButton({ accessibility_label: "l".repeat(76) })),
      `${at}/accessibility_label`,
    ],
    [
      "a confirm title of 101 characters",
      inActions(actionButton({ confirm: dialog({ title: plain("t".repeat(101)) }) })),
      `${at}/confirm/title/text`,
    ],
    [
      "a confirm text of 301 characters",
      inActions(actionButton({ confirm: dialog({ text: plain("t".repeat(301)) }) })),
      `${at}/confirm/text/text`,
    ],
    [
      "a confirm button text of 31 characters",
      inActions(actionButton({ confirm: dialog({ confirm: plain("c".repeat(31)) }) })),
      `${at}/confirm/confirm/text`,
    ],
    [
      "a deny text of 31 characters",
      inActions(actionButton({ confirm: dialog({ deny: plain("d".repeat(31)) }) })),
      `${at}/confirm/deny/text`,
    ],
    [
      "a confirm dialog without deny",
      inActions(actionButton({ confirm: dialog({ deny: undefined }) })),
      `${at}/confirm/deny`,
    ],
    [
      "a mrkdwn confirm title",
      inActions(actionButton({ confirm: dialog({ title: { type: "mrkdwn", text: "t" } }) })),
      `${at}/confirm/title/type`,
    ],
    [
      "a confirm style warning",
      inActions(actionButton({ confirm: dialog({ style: "warning" }) })),
      `${at}/confirm/style`,
    ],
    [
      "an unknown confirm property",
      inActions(actionButton({ confirm: dialog({ color: "red" }) })),
      `${at}/confirm/color`,
    ],
    [
      "a section accessory button with a value of 2001 characters",
      [
        {
          type: "section",
          text: { type: "mrkdwn", text: "x" },
          accessory: actionButton({ value: "v".repeat(2001) }),
        },
      ],
      "/blocks/0/accessory/value",
    ],
  ];
}

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
    ...buttonCases(),
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

  it("accepts buttons and confirm dialogs exactly at their limits", async () => {
    await start();
    const limits = actionButton({
      action_id: "a".repeat(255),
      value: "v".repeat(2000),
      text: plain("b".repeat(75)),
      style: "danger",
      accessibility_label: "l".repeat(75),
      confirm: dialog({
        title: plain("t".repeat(100)),
        text: { type: "mrkdwn", text: "t".repeat(300) },
        confirm: plain("c".repeat(30)),
        deny: plain("d".repeat(30)),
        style: "danger",
      }),
    });
    const other = actionButton({ action_id: "ecs-sentinel.mute-1h", style: "primary" });

    const { body } = await post({
      blocks: [
        { type: "actions", elements: [limits, other] },
        { type: "section", text: { type: "mrkdwn", text: "x" }, accessory: actionButton() },
      ],
    });

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
