/**
 * The diagnosis as PagerDuty `custom_details` (an object, shown as a table on the alert; see
 * https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): cause, reason, evidence, numbered steps,
 * facts, history, changes and the log tail. Everything is capped, then halved until it fits the room left in
 * the event, so no input can push an event towards PagerDuty's 512 KB limit. Pure.
 */
import type { Fact, Message } from "../message.js";
import { cut, ELLIPSIS, singleLine, stripControl } from "../text.js";

interface Caps {
  /** Longest free text (cause, reason, history), in UTF-16 code units. */
  text: number;
  /** Most entries of a list (evidence, steps, changes). */
  items: number;
  /** Longest entry of a list, fact value or log line. */
  item: number;
  facts: number;
  logLines: number;
}

const FULL: Caps = { text: 2000, items: 20, item: 500, facts: 30, logLines: 50 };
const LABEL_MAX = 100;
const SHRINK_STEPS = 8;
/** What `,"custom_details":` and rounding add to the event around the details themselves. */
const ENVELOPE_BYTES = 32;

function scaled(caps: Caps, factor: number): Caps {
  const at = (n: number) => Math.max(1, Math.floor(n * factor));
  return {
    text: at(caps.text),
    items: at(caps.items),
    item: at(caps.item),
    facts: at(caps.facts),
    logLines: at(caps.logLines),
  };
}

/**
 * Cleaning a 100 KB string costs far more than cutting it: only a generous head is cleaned, marked as cut.
 * Whitespace that cleaning collapses could leave less than `max`; losing the rest of such a text is fine.
 */
function head(value: string, max: number): string {
  const bound = max * 4 + 16;
  return value.length > bound ? `${value.slice(0, bound)}${ELLIPSIS}` : value;
}

function text(value: string | undefined, max: number): string | undefined {
  const clean = value === undefined ? "" : stripControl(head(value, max)).trim();
  return clean ? cut(clean, max) : undefined;
}

function line(value: string, max: number): string {
  return cut(singleLine(head(value, max)), max);
}

/** The first entries that are not blank; only as many are cleaned as can be kept. */
function list(values: readonly string[], caps: Caps): string[] {
  const out: string[] = [];
  for (const value of values) {
    if (out.length >= caps.items) break;
    const clean = line(value, caps.item);
    if (clean) out.push(clean);
  }
  return out;
}

/** Label → value; a repeated label gets a number, so no fact overwrites another. */
function factObject(facts: readonly Fact[], caps: Caps): Record<string, string> {
  const entries: [string, string][] = [];
  const used = new Set<string>();
  for (const fact of facts.slice(0, caps.facts)) {
    const base = line(fact.label, LABEL_MAX) || "fact";
    let label = base;
    for (let n = 2; used.has(label); n++) label = `${base} (${n})`;
    used.add(label);
    entries.push([label, line(fact.value, caps.item)]);
  }
  // fromEntries defines own properties: a label such as `__proto__` stays data, never a prototype.
  return Object.fromEntries(entries);
}

function build(m: Message, caps: Caps): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    const empty = value === undefined || (Array.isArray(value) && value.length === 0);
    if (!empty) details[key] = value;
  };
  put("cause", text(m.cause, caps.text));
  put("reason", text(m.reason, caps.text));
  put("evidence", list(m.evidence, caps));
  put(
    "remediation",
    list(m.remediation, caps).map((step, i) => `${i + 1}. ${step}`),
  );
  if (m.facts.length > 0) details.facts = factObject(m.facts, caps);
  put("history", text(m.history, caps.text));
  if (m.changes) {
    put("changes", text(m.changes.summary, caps.text));
    put("changed", list(m.changes.lines, caps));
  }
  if (m.logTail) {
    // The newest lines are the ones that explain the stop.
    const tail = m.logTail.lines
      .slice(-caps.logLines)
      .map((l) => cut(stripControl(l).replace(/\n/g, " "), caps.item));
    put("log_tail", tail);
    put("log_source", text(m.logTail.source, caps.item));
    if (tail.length === 0) put("log_note", text(m.logTail.note, caps.item));
  }
  return details;
}

function byteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/** The details at full caps, or halved as often as needed to fit `roomBytes` of JSON; `{}` if nothing fits. */
export function fitCustomDetails(m: Message, roomBytes: number): Record<string, unknown> {
  const room = roomBytes - ENVELOPE_BYTES;
  for (let step = 0; step < SHRINK_STEPS; step++) {
    const details = build(m, scaled(FULL, 0.5 ** step));
    if (byteLength(details) <= room) return details;
  }
  const cause = text(m.cause, 200);
  return cause && byteLength({ cause }) <= room ? { cause } : {};
}
