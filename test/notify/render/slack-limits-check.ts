/** Lists every Block Kit limit a payload breaks (empty when it is valid as far as limits go). */
import type { SlackPayload } from "../../../src/shared/notify/message.js";
import { SLACK_LIMITS } from "../../../src/shared/notify/render/index.js";

interface TextObject {
  type: string;
  text: string;
}
interface AnyBlock {
  type: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: Array<{ type: string; text?: TextObject | string; url?: string }>;
}

export function slackLimitViolations(payload: SlackPayload): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const blocks = payload.blocks as AnyBlock[];
  check(blocks.length <= SLACK_LIMITS.blocks, `${blocks.length} blocks`);
  check(payload.text.length > 0 && payload.text.length <= SLACK_LIMITS.fallbackText, "fallback text length");
  for (const [i, block] of blocks.entries()) {
    if (block.type === "header") {
      const length = block.text?.text.length ?? 0;
      check(length > 0 && length <= SLACK_LIMITS.headerText, `block ${i}: header of ${length}`);
      check(block.text?.type === "plain_text", `block ${i}: header not plain_text`);
    }
    if (block.type === "section" && block.text) {
      const length = block.text.text.length;
      check(length > 0 && length <= SLACK_LIMITS.sectionText, `block ${i}: section text of ${length}`);
    }
    if (block.fields) {
      check(block.fields.length <= SLACK_LIMITS.sectionFields, `block ${i}: ${block.fields.length} fields`);
      for (const field of block.fields) {
        check(field.text.length <= SLACK_LIMITS.fieldText, `block ${i}: field of ${field.text.length}`);
      }
    }
    if (block.type === "actions") {
      const elements = block.elements ?? [];
      check(elements.length <= SLACK_LIMITS.actionsElements, `block ${i}: ${elements.length} elements`);
      for (const button of elements) {
        const text = typeof button.text === "object" ? button.text.text : "";
        check(
          text.length > 0 && text.length <= SLACK_LIMITS.buttonText,
          `block ${i}: button text ${text.length}`,
        );
        check((button.url ?? "").length <= SLACK_LIMITS.buttonUrl, `block ${i}: button url too long`);
      }
    }
    if (block.type === "context") {
      const elements = block.elements ?? [];
      check(
        elements.length <= SLACK_LIMITS.contextElements,
        `block ${i}: ${elements.length} context elements`,
      );
      for (const element of elements) {
        const text = typeof element.text === "string" ? element.text : "";
        check(text.length <= SLACK_LIMITS.sectionText, `block ${i}: context text ${text.length}`);
      }
    }
  }
  return problems;
}
