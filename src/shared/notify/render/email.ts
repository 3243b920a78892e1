/** Renders a Message as an SNS publish for email subscribers: subject, plain-text body, attributes. Pure. */
import type { EmailMessage, Message } from "../message.js";
import { cut, singleLine } from "../text.js";
import { footerParts } from "./footer.js";
import { plainSections } from "./plain-body.js";
import { SEVERITY_TAG } from "./severity.js";

/** SNS: "less than 100 characters", UTF-8, no line breaks or control characters. */
const SUBJECT_MAX = 99;

const ROUTING_NOTE =
  "You get this because your address subscribes to the ecs-sentinel SNS topic. To receive less (or more), set " +
  "a subscription filter policy on the message attributes severity, category, cluster, service and kind, " +
  "or unsubscribe with the link below.";

export function emailSubject(m: Message): string {
  return cut(singleLine(`[${SEVERITY_TAG[m.severity]}] ${m.title}`), SUBJECT_MAX);
}

/** Attributes for SNS subscription filter policies; empty values are left out because SNS rejects them. */
export function emailAttributes(m: Message): Record<string, string> {
  const candidates: Record<string, string | undefined> = {
    kind: m.kind,
    severity: m.severity,
    category: m.category,
    cluster: m.cluster,
    service: m.service,
  };
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(candidates)) {
    const clean = value === undefined ? "" : singleLine(value);
    if (clean) attributes[name] = clean;
  }
  return attributes;
}

export function renderEmail(m: Message): EmailMessage {
  const style = { heading: (text: string) => text, label: (text: string) => text, alignFacts: false };
  const title = singleLine(`[${SEVERITY_TAG[m.severity]}] ${m.title}`);
  const footer = ["--", `ecs-sentinel · ${footerParts(m).map(singleLine).join(" · ")}`, ROUTING_NOTE];
  const blocks = [[cut(title, 500)], ...plainSections(m, style), footer];
  return {
    subject: emailSubject(m),
    body: `${blocks.map((lines) => lines.join("\n")).join("\n\n")}\n`,
    attributes: emailAttributes(m),
  };
}
