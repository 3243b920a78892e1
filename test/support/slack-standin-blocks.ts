/**
 * Block Kit validation of the Slack Web API stand-in: the limits Slack documents for the blocks ecs-sentinel
 * renders, answered the way Slack answers `invalid_blocks` (a message per problem with a JSON pointer).
 *
 * Sources: docs.slack.dev/reference/block-kit/blocks (50 blocks per message; block_id ≤ 255 and unique per
 * message; header: plain_text ≤ 150; section: text 1–3000, fields ≤ 10 × 2000, text or fields required;
 * context: ≤ 10 elements; actions: ≤ 25 elements), docs.slack.dev/reference/block-kit/composition-objects/
 * text-object (plain_text | mrkdwn, at least 1 character; `emoji` only on plain_text, `verbatim` only on
 * mrkdwn), docs.slack.dev/reference/block-kit/block-elements/button-element (text plain_text ≤ 75, url ≤ 3000,
 * value ≤ 2000, action_id ≤ 255 and "unique among all other action_ids in the containing block", style
 * primary | danger, accessibility_label ≤ 75, confirm), docs.slack.dev/reference/block-kit/composition-objects/
 * confirmation-dialog-object (title plain_text ≤ 100, text ≤ 300, confirm and deny plain_text ≤ 30, all four
 * required; style primary | danger). A button is checked in an actions block and as a section's accessory.
 * The confirm dialog's `text` is taken as plain_text or mrkdwn: the docs' versions disagree.
 */

/** Every block type Slack knows; the ones ecs-sentinel renders are validated in depth, the others by type. */
const KNOWN_BLOCK_TYPES = new Set([
  "actions",
  "context",
  "context_actions",
  "divider",
  "file",
  "header",
  "image",
  "input",
  "markdown",
  "rich_text",
  "section",
  "table",
  "video",
]);

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  header: ["type", "block_id", "text"],
  section: ["type", "block_id", "text", "fields", "accessory", "expand"],
  actions: ["type", "block_id", "elements"],
  context: ["type", "block_id", "elements"],
  divider: ["type", "block_id"],
};

export const BLOCK_LIMITS = {
  blocks: 50,
  blockId: 255,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  buttonValue: 2000,
  actionId: 255,
  accessibilityLabel: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

const BUTTON_KEYS = ["type", "text", "action_id", "url", "value", "style", "confirm", "accessibility_label"];
const CONFIRM_KEYS = ["title", "text", "confirm", "deny", "style"];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

class Problems {
  readonly list: string[] = [];
  add(pointer: string, problem: string) {
    this.list.push(`${problem} [json-pointer:${pointer}]`);
  }
}

function textObject(
  value: unknown,
  pointer: string,
  problems: Problems,
  rule: { max: number; plainOnly?: boolean },
): void {
  if (!isObject(value)) {
    problems.add(pointer, "must be an object");
    return;
  }
  if (value.type !== "plain_text" && value.type !== "mrkdwn") {
    problems.add(`${pointer}/type`, "must be one of [plain_text, mrkdwn]");
    return;
  }
  if (rule.plainOnly && value.type !== "plain_text") problems.add(`${pointer}/type`, "must be plain_text");
  for (const key of Object.keys(value)) {
    const allowed = value.type === "plain_text" ? ["type", "text", "emoji"] : ["type", "text", "verbatim"];
    if (!allowed.includes(key)) problems.add(`${pointer}/${key}`, "invalid additional property");
  }
  if (typeof value.text !== "string") {
    problems.add(`${pointer}/text`, "must be a string");
    return;
  }
  if (value.text.length < 1) problems.add(`${pointer}/text`, "must be more than 0 characters");
  if (value.text.length > rule.max)
    problems.add(`${pointer}/text`, `must be less than ${rule.max + 1} characters`);
}

function elementList(value: unknown, pointer: string, problems: Problems, max: number): unknown[] {
  if (!Array.isArray(value)) {
    problems.add(pointer, "must be an array");
    return [];
  }
  if (value.length < 1) problems.add(pointer, "must provide at least 1 item");
  if (value.length > max) problems.add(pointer, `must be at most ${max} items`);
  return value;
}

function confirmDialog(value: unknown, pointer: string, problems: Problems): void {
  if (!isObject(value)) {
    problems.add(pointer, "must be an object");
    return;
  }
  for (const key of Object.keys(value))
    if (!CONFIRM_KEYS.includes(key)) problems.add(`${pointer}/${key}`, "invalid additional property");
  const parts: Array<[string, number, boolean]> = [
    ["title", BLOCK_LIMITS.confirmTitle, true],
    ["text", BLOCK_LIMITS.confirmText, false],
    ["confirm", BLOCK_LIMITS.confirmButton, true],
    ["deny", BLOCK_LIMITS.confirmButton, true],
  ];
  for (const [key, max, plainOnly] of parts) {
    if (value[key] === undefined) problems.add(`${pointer}/${key}`, "is required");
    else textObject(value[key], `${pointer}/${key}`, problems, { max, plainOnly });
  }
  if (value.style !== undefined && value.style !== "primary" && value.style !== "danger")
    problems.add(`${pointer}/style`, "must be one of [primary, danger]");
}

function button(value: unknown, pointer: string, problems: Problems, actionIds: Set<string>): void {
  if (!isObject(value)) {
    problems.add(pointer, "must be an object");
    return;
  }
  for (const key of Object.keys(value))
    if (!BUTTON_KEYS.includes(key)) problems.add(`${pointer}/${key}`, "invalid additional property");
  if (value.text === undefined) problems.add(`${pointer}/text`, "is required");
  else textObject(value.text, `${pointer}/text`, problems, { max: BLOCK_LIMITS.buttonText, plainOnly: true });
  if (value.url !== undefined) {
    if (typeof value.url !== "string" || value.url.length > BLOCK_LIMITS.buttonUrl)
      problems.add(`${pointer}/url`, `must be a string of at most ${BLOCK_LIMITS.buttonUrl} characters`);
  }
  if (
    value.value !== undefined &&
    (typeof value.value !== "string" || value.value.length > BLOCK_LIMITS.buttonValue)
  )
    problems.add(`${pointer}/value`, `must be a string of at most ${BLOCK_LIMITS.buttonValue} characters`);
  if (value.style !== undefined && value.style !== "primary" && value.style !== "danger")
    problems.add(`${pointer}/style`, "must be one of [primary, danger]");
  if (value.action_id !== undefined) {
    if (typeof value.action_id !== "string" || value.action_id.length > BLOCK_LIMITS.actionId)
      problems.add(`${pointer}/action_id`, `must be a string of at most ${BLOCK_LIMITS.actionId} characters`);
    else if (actionIds.has(value.action_id))
      problems.add(`${pointer}/action_id`, "must be unique in the block");
    else actionIds.add(value.action_id);
  }
  if (
    value.accessibility_label !== undefined &&
    (typeof value.accessibility_label !== "string" ||
      value.accessibility_label.length < 1 ||
      value.accessibility_label.length > BLOCK_LIMITS.accessibilityLabel)
  )
    problems.add(
      `${pointer}/accessibility_label`,
      `must be a string of 1 to ${BLOCK_LIMITS.accessibilityLabel} characters`,
    );
  if (value.confirm !== undefined) confirmDialog(value.confirm, `${pointer}/confirm`, problems);
}

function block(value: Json, pointer: string, problems: Problems): void {
  const type = value.type as string;
  const allowed = ALLOWED_KEYS[type];
  if (allowed) {
    for (const key of Object.keys(value))
      if (!allowed.includes(key)) problems.add(`${pointer}/${key}`, "invalid additional property");
  }
  switch (type) {
    case "header":
      textObject(value.text, `${pointer}/text`, problems, { max: BLOCK_LIMITS.headerText, plainOnly: true });
      return;
    case "section": {
      if (value.text === undefined && value.fields === undefined) {
        problems.add(pointer, "must provide either text or fields");
        return;
      }
      if (value.text !== undefined)
        textObject(value.text, `${pointer}/text`, problems, { max: BLOCK_LIMITS.sectionText });
      if (value.fields !== undefined) {
        const fields = elementList(value.fields, `${pointer}/fields`, problems, BLOCK_LIMITS.sectionFields);
        fields.forEach((field, i) => {
          textObject(field, `${pointer}/fields/${i}`, problems, { max: BLOCK_LIMITS.fieldText });
        });
      }
      if (isObject(value.accessory) && value.accessory.type === "button")
        button(value.accessory, `${pointer}/accessory`, problems, new Set());
      return;
    }
    case "context": {
      const elements = elementList(
        value.elements,
        `${pointer}/elements`,
        problems,
        BLOCK_LIMITS.contextElements,
      );
      elements.forEach((element, i) => {
        if (isObject(element) && element.type === "image") return;
        textObject(element, `${pointer}/elements/${i}`, problems, { max: BLOCK_LIMITS.sectionText });
      });
      return;
    }
    case "actions": {
      const elements = elementList(
        value.elements,
        `${pointer}/elements`,
        problems,
        BLOCK_LIMITS.actionsElements,
      );
      const actionIds = new Set<string>();
      elements.forEach((element, i) => {
        if (isObject(element) && element.type === "button")
          button(element, `${pointer}/elements/${i}`, problems, actionIds);
        else if (!isObject(element) || typeof element.type !== "string")
          problems.add(`${pointer}/elements/${i}`, "must be an interactive element");
      });
      return;
    }
    default:
      return;
  }
}

export type BlocksVerdict =
  | { ok: true }
  | { ok: false; error: "invalid_blocks" | "invalid_blocks_format"; errors: string[] };

/** Validates a message's `blocks` argument as Slack does; `undefined` (no blocks) is valid. */
export function validateBlocks(blocks: unknown): BlocksVerdict {
  if (blocks === undefined) return { ok: true };
  if (!Array.isArray(blocks))
    return { ok: false, error: "invalid_blocks_format", errors: ["must be an array [json-pointer:/blocks]"] };
  const problems = new Problems();
  if (blocks.length > BLOCK_LIMITS.blocks)
    problems.add("/blocks", `must be at most ${BLOCK_LIMITS.blocks} items`);
  const blockIds = new Set<string>();
  for (const [index, candidate] of blocks.entries()) {
    const pointer = `/blocks/${index}`;
    if (!isObject(candidate)) {
      problems.add(pointer, "must be an object");
      continue;
    }
    if (typeof candidate.type !== "string" || !KNOWN_BLOCK_TYPES.has(candidate.type)) {
      problems.add(`${pointer}/type`, "unknown block type");
      continue;
    }
    if (candidate.block_id !== undefined) {
      if (typeof candidate.block_id !== "string" || candidate.block_id.length > BLOCK_LIMITS.blockId)
        problems.add(`${pointer}/block_id`, `must be a string of at most ${BLOCK_LIMITS.blockId} characters`);
      else if (blockIds.has(candidate.block_id)) problems.add(`${pointer}/block_id`, "must be unique");
      else blockIds.add(candidate.block_id);
    }
    block(candidate, pointer, problems);
  }
  return problems.list.length === 0
    ? { ok: true }
    : { ok: false, error: "invalid_blocks", errors: problems.list };
}
