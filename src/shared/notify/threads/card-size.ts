/**
 * A thread's card is stored as one JSON string attribute, and a DynamoDB item is at most 400 KB. Both thread
 * stores (DynamoDB and its in-memory twin) keep a card within MAX_CARD_BYTES, the same way, before writing it:
 *
 * 1. drop the opening message's log-tail lines and "what changed" lines, leaving a note where they were;
 * 2. if still too large, cut every string of the opening message to MAX_STRING_CHARS and every list to
 *    MAX_LIST_ENTRIES, and every fact override to MAX_STRING_CHARS;
 * 3. if still too large, refuse (CardTooLargeError) rather than let the write fail half-way.
 */
import type { Message } from "../message.js";
import type { CardState } from "./types.js";

/** Half of DynamoDB's item limit: the rest of the record (details, keys, numbers) always fits beside it. */
export const MAX_CARD_BYTES = 200 * 1024;
const MAX_STRING_CHARS = 2_000;
const MAX_LIST_ENTRIES = 50;
const TRIMMED = "the card was too large to keep whole in the state table";

export class CardTooLargeError extends Error {
  override readonly name = "CardTooLargeError";
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`thread card is ${bytes} bytes after trimming, over the ${maxBytes}-byte budget`);
  }
}

export interface FittedCard {
  card: CardState;
  /** The card serialised, as stored. */
  json: string;
}

const bytesOf = (json: string) => Buffer.byteLength(json, "utf8");

/**
 * The card within `maxBytes` of JSON, and its JSON. The card returned is the JSON read back (a copy, exactly
 * what a store gives out later); the argument is never changed.
 */
export function fitCard(card: CardState, maxBytes = MAX_CARD_BYTES): FittedCard {
  const json = JSON.stringify(card);
  if (bytesOf(json) <= maxBytes) return { card: JSON.parse(json) as CardState, json };

  const withoutLines: CardState = { ...card, base: withoutLongSections(card.base) };
  const lighter = JSON.stringify(withoutLines);
  if (bytesOf(lighter) <= maxBytes) return { card: JSON.parse(lighter) as CardState, json: lighter };

  const cut: CardState = {
    ...withoutLines,
    base: cutDeep(withoutLines.base) as Message,
    facts: withoutLines.facts.map((fact) => ({ ...fact, value: cutString(fact.value) })),
  };
  const smallest = JSON.stringify(cut);
  const bytes = bytesOf(smallest);
  if (bytes > maxBytes) throw new CardTooLargeError(bytes, maxBytes);
  return { card: JSON.parse(smallest) as CardState, json: smallest };
}

function withoutLongSections(base: Message): Message {
  const next: Message = { ...base };
  if (base.logTail && base.logTail.lines.length > 0) {
    const count = base.logTail.lines.length;
    const note = `${count} log line${count === 1 ? "" : "s"} not kept: ${TRIMMED}`;
    next.logTail = {
      ...base.logTail,
      lines: [],
      note: base.logTail.note ? `${base.logTail.note}; ${note}` : note,
    };
  }
  if (base.changes && base.changes.lines.length > 0) {
    const count = base.changes.lines.length;
    next.changes = {
      summary: `${base.changes.summary} (${count} changed line${count === 1 ? "" : "s"} not kept: ${TRIMMED})`,
      lines: [],
    };
  }
  return next;
}

function cutString(value: string): string {
  return value.length > MAX_STRING_CHARS ? `${value.slice(0, MAX_STRING_CHARS - 1)}…` : value;
}

function cutDeep(value: unknown): unknown {
  if (typeof value === "string") return cutString(value);
  if (Array.isArray(value)) return value.slice(0, MAX_LIST_ENTRIES).map(cutDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, cutDeep(entry)]));
  }
  return value;
}
