/** What must hold of every rendering, whatever the input: Block Kit limits, inert text, valid SNS fields. */
import type { EmailMessage, SlackPayload } from "../../src/shared/notify/message.js";
import { slackLimitViolations } from "../notify/render/slack-limits-check.js";

export { slackLimitViolations };

/** A Slack mention, broadcast, channel or user-group token, or a link token, with or without a label. */
const LIVE_TOKEN = /<[!@#]|<(?:https?|mailto):|<[^<>]*\|/i;

/**
 * `@channel`, `@here` or `@everyone` after anything but a letter or digit: what Slack can turn into a broadcast
 * (with `link_names`). Finding F3 (fixed) was such a broadcast after `.`, `+`, `-` or `_`.
 */
export const BARE_BROADCAST_STRICT = /(^|[^\p{L}\p{N}])@(channel|here|everyone)\b/iu;

// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence is the point
const CONTROL_OR_BIDI = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const LINE_BREAK_OR_CONTROL = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ESC of the renderer's own colours
const SGR = /\u001b\[[0-9;]*m/g;

/** Every string value inside `value`, keys excluded. */
export function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsOf);
  return [];
}

/** Problems that would make the payload notify people or show a disguised link. */
export function slackInjectionProblems(
  payload: SlackPayload,
  bareBroadcast = BARE_BROADCAST_STRICT,
): string[] {
  const problems: string[] = [];
  const serialised = JSON.stringify(payload);
  const token = LIVE_TOKEN.exec(serialised);
  if (token)
    problems.push(`live token at ${token.index}: ${serialised.slice(token.index, token.index + 40)}`);
  for (const text of stringsOf(payload)) {
    const bare = bareBroadcast.exec(text);
    if (bare) problems.push(`bare broadcast: ${text.slice(Math.max(0, bare.index - 10), bare.index + 20)}`);
  }
  return problems;
}

export function slackProblems(payload: SlackPayload): string[] {
  return [...slackLimitViolations(payload), ...slackInjectionProblems(payload)];
}

export const EMAIL_BODY_TOO_LARGE = "body of 256 KB or more";

/** SNS: subject under 100 characters, no line breaks or control characters; attributes non-empty strings. */
export function emailProblems(email: EmailMessage): string[] {
  const problems: string[] = [];
  const { subject, attributes, body } = email;
  if (subject.length === 0 || subject.length >= 100) problems.push(`subject of ${subject.length} characters`);
  if (LINE_BREAK_OR_CONTROL.test(subject))
    problems.push(`subject with a control character: ${JSON.stringify(subject)}`);
  if (subject !== subject.trim()) problems.push("subject with surrounding whitespace");
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value !== "string" || value.trim().length === 0) problems.push(`attribute ${name} empty`);
    else if (LINE_BREAK_OR_CONTROL.test(value)) problems.push(`attribute ${name} with a control character`);
  }
  if (CONTROL_OR_BIDI.test(body)) problems.push("body with a control or bidi character");
  if (new TextEncoder().encode(body).length >= 256 * 1024) problems.push(EMAIL_BODY_TOO_LARGE);
  return problems;
}

/** A terminal rendering carries no escape sequence but its own colours, and no bidi override. */
export function consoleProblems(output: string, color: boolean): string[] {
  const bare = color ? output.replace(SGR, "") : output;
  return CONTROL_OR_BIDI.test(bare) ? [`control character in ${JSON.stringify(bare.slice(0, 200))}`] : [];
}
