/** Renders a Message as a Slack incoming-webhook payload (Block Kit). Pure. */
import type { KnownBlock } from "@slack/types";
import type { Message, SlackPayload } from "../message.js";
import { mrkdwn } from "../text.js";
import { footerParts } from "./footer.js";
import { SEVERITY_EMOJI } from "./severity.js";
import {
  actionButtons,
  type Block,
  changesBlock,
  codeSection,
  contextBlock,
  factSections,
  headerBlock,
  linkButtons,
  listSection,
  logTailBlock,
  textSection,
} from "./slack-blocks.js";
import { SLACK_LIMITS } from "./slack-limits.js";
import { summaryLine } from "./summary-line.js";

/** Keeps the context line, which says how severe and where, even when the body has to give way. */
function withinBlockLimit(body: Block[], context: Block): Block[] {
  return [...body.slice(0, SLACK_LIMITS.blocks - 1), context];
}

export function renderSlack(m: Message): SlackPayload {
  const body: Block[] = [headerBlock(`${SEVERITY_EMOJI[m.severity]} `, m.title)];
  if (m.cause.trim()) body.push(textSection(m.cause));
  body.push(...factSections(m.facts));
  if (m.reason?.trim()) body.push(codeSection("Reason reported by ECS", m.reason));
  if (m.logTail) body.push(logTailBlock(m.logTail));
  if (m.changes) body.push(changesBlock(m.changes));
  if (m.evidence.length > 0) body.push(listSection("Evidence", m.evidence, () => "• "));
  if (m.remediation.length > 0) body.push(listSection("What to do", m.remediation, (i) => `${i + 1}. `));
  // Actions first: on a phone, the buttons that act are the ones that must not be cut by the block limit.
  if (m.actions?.length) body.push(...actionButtons(m.actions));
  body.push(...linkButtons(m.links));
  return {
    text: mrkdwn(summaryLine(m), SLACK_LIMITS.fallbackText),
    // Checked at compile time against Slack's own Block Kit types (@slack/types; types only, nothing bundled).
    blocks: withinBlockLimit(body, contextBlock(footerParts(m))) satisfies KnownBlock[],
  };
}
