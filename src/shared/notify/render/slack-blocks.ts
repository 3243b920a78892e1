/**
 * Block Kit blocks built from untrusted text: every builder escapes its input for the text object it fills and
 * cuts it to that object's limit, so a block is valid and inert whatever the input. Pure.
 */
import { ACTION_IDS } from "../../slack-actions/types.js";
import type { ChangesSection, Fact, Link, LogTailSection, MessageAction } from "../message.js";
import { mrkdwn, mrkdwnCode, plainText } from "../text.js";
import { fitLogTail } from "./log-tail-text.js";
import { SLACK_LIMITS } from "./slack-limits.js";
import { isWebUrl } from "./urls.js";

export interface PlainTextObject {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}
export interface MrkdwnObject {
  type: "mrkdwn";
  text: string;
}
export interface ButtonElement {
  type: "button";
  text: PlainTextObject;
  /** A link button; an action button has a `value` instead. */
  url?: string;
  value?: string;
  action_id: string;
  style?: "primary" | "danger";
  confirm?: {
    title: PlainTextObject;
    text: PlainTextObject;
    confirm: PlainTextObject;
    deny: PlainTextObject;
    style?: "primary" | "danger";
  };
}
export type Block =
  | { type: "header"; text: PlainTextObject }
  | { type: "section"; text: MrkdwnObject }
  | { type: "section"; fields: MrkdwnObject[] }
  | { type: "actions"; elements: ButtonElement[]; block_id?: string }
  | { type: "context"; elements: MrkdwnObject[] };

/** Longest single item of a list before it is cut; keeps one runaway line from hiding the others. */
const LIST_ITEM_MAX = 600;
/** Room kept for the "… and N more" line of a list that does not fit. */
const MORE_LINE_RESERVE = 32;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export function headerBlock(prefix: string, title: string): Block {
  const text = plainText(`${prefix}${title}`, SLACK_LIMITS.headerText) || prefix.trim() || "ECS notification";
  return { type: "header", text: { type: "plain_text", text, emoji: true } };
}

export function textSection(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: mrkdwn(text, SLACK_LIMITS.sectionText) } };
}

/** `*Label*` over the value, two columns, ten per section. */
export function factSections(facts: readonly Fact[]): Block[] {
  const fields = facts.map((fact): MrkdwnObject => {
    const label = `*${mrkdwn(fact.label, 200)}*\n`;
    return { type: "mrkdwn", text: label + mrkdwn(fact.value, SLACK_LIMITS.fieldText - label.length) };
  });
  return chunk(fields, SLACK_LIMITS.sectionFields).map((part): Block => ({ type: "section", fields: part }));
}

/** A heading over the text verbatim in a code block, which untrusted backticks cannot close. */
export function codeSection(heading: string, text: string): Block {
  const open = `*${heading}*\n\`\`\`\n`;
  const close = "\n```";
  const body = mrkdwnCode(text, SLACK_LIMITS.sectionText - open.length - close.length);
  return { type: "section", text: { type: "mrkdwn", text: open + body + close } };
}

/** Longest log line shown in Slack: long enough for a stack frame, short enough to leave room for others. */
const LOG_LINE_MAX = 500;
/** Longest "container web · /ecs/api" source beside the heading. */
const LOG_SOURCE_MAX = 300;

/**
 * The last log lines in a code block, cut from the top to fit the section; a tail that could not be read
 * says why (the "Log stream" button, when there is one, opens it).
 */
export function logTailBlock(tail: LogTailSection): Block {
  const heading = `*Last log lines* · ${mrkdwn(tail.source, LOG_SOURCE_MAX)}`;
  if (tail.lines.length === 0) {
    const why = mrkdwn(tail.note?.trim() || "no lines were found", 1000);
    const where = tail.link ? " Open the log stream with the button below." : "";
    return textSectionRaw(`${heading}\nNot shown: ${why}.${where}`);
  }
  const open = `${heading}\n\`\`\`\n`;
  const close = "\n```";
  const lines = fitLogTail(tail.lines, {
    maxChars: SLACK_LIMITS.sectionText - open.length - close.length,
    maxLineChars: LOG_LINE_MAX,
    render: mrkdwnCode,
  });
  return textSectionRaw(open + lines.join("\n") + close);
}

/** "What changed": the sentence, then one bullet per difference. */
export function changesBlock(changes: ChangesSection): Block {
  const items = [changes.lines.length > 0 ? `${changes.summary}:` : changes.summary, ...changes.lines];
  return listSection("What changed", items, (index) => (index === 0 ? "" : "• "));
}

/** A section whose text is already escaped and within the limit. */
function textSectionRaw(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text } };
}

/**
 * A heading over one line per item, each started by `marker(index)`. Items that no longer fit are counted
 * in a last "… and N more" line instead of being cut mid-list.
 */
export function listSection(
  heading: string,
  items: readonly string[],
  marker: (index: number) => string,
): Block {
  const lines = [`*${heading}*`];
  let length = lines[0]?.length ?? 0;
  for (const [index, item] of items.entries()) {
    const line = marker(index) + mrkdwn(item, LIST_ITEM_MAX).replace(/\n/g, " ");
    const isLast = index === items.length - 1;
    if (length + 1 + line.length + (isLast ? 0 : MORE_LINE_RESERVE) > SLACK_LIMITS.sectionText) {
      lines.push(`_… and ${items.length - index} more_`);
      break;
    }
    lines.push(line);
    length += 1 + line.length;
  }
  return { type: "section", text: { type: "mrkdwn", text: lines.join("\n") } };
}

/** Link buttons; a link whose URL is not a web URL or is too long to send whole is left out, never cut. */
export function linkButtons(links: readonly Link[]): Block[] {
  const buttons = links
    .filter((link) => link.url.length <= SLACK_LIMITS.buttonUrl && isWebUrl(link.url))
    .map(
      (link, index): ButtonElement => ({
        type: "button",
        text: {
          type: "plain_text",
          text: plainText(link.label, SLACK_LIMITS.buttonText) || "Open",
          emoji: true,
        },
        url: link.url,
        action_id: `link-${index}`,
      }),
    );
  return chunk(buttons, SLACK_LIMITS.actionsElements).map(
    (elements): Block => ({ type: "actions", elements }),
  );
}

/** Longest part of the context line; a handful of these stays far below the text limit. */
const CONTEXT_PART_MAX = 300;

/** One small grey line of `·`-separated parts, the first in bold. */
export function contextBlock(parts: readonly string[]): Block {
  const text = parts
    .map((part, index) => {
      const escaped = mrkdwn(part, CONTEXT_PART_MAX);
      return index === 0 ? `*${escaped}*` : escaped;
    })
    .join(" · ");
  return { type: "context", elements: [{ type: "mrkdwn", text }] };
}

/** The `block_id` prefix of the blocks holding a message's action buttons (removed once acted on). */
export const ACTION_BLOCK_PREFIX = "ecs-sentinel-actions-";

/** The buttons of a message's actions: `action_id` names the action, `value` is only the kind (no authority). */
export function actionButtons(actions: readonly MessageAction[]): Block[] {
  const buttons = actions.map(
    (action): ButtonElement => ({
      type: "button",
      text: {
        type: "plain_text",
        text: plainText(action.label, SLACK_LIMITS.buttonText) || "Act",
        emoji: true,
      },
      action_id: ACTION_IDS[action.kind],
      value: action.kind,
      ...(action.danger
        ? {
            style: "danger",
            confirm: {
              title: { type: "plain_text", text: "Are you sure?" },
              text: { type: "plain_text", text: plainText(action.label, 300) },
              confirm: { type: "plain_text", text: "Yes" },
              deny: { type: "plain_text", text: "Cancel" },
              style: "danger",
            },
          }
        : {}),
    }),
  );
  return chunk(buttons, SLACK_LIMITS.actionsElements).map(
    (elements, index): Block => ({ type: "actions", block_id: `${ACTION_BLOCK_PREFIX}${index}`, elements }),
  );
}
