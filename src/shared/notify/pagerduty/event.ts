/**
 * PagerDuty Events API v2 alert events built from a Message. Pure. PagerDuty's rules, as documented:
 * - Send an Alert Event (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): `routing_key` (the
 *   32-character integration key), `event_action` trigger | acknowledge | resolve, `dedup_key` (at most 255
 *   characters; required for acknowledge and resolve), `payload.summary` (required, at most 1,024 characters),
 *   `payload.source` (required), `payload.severity` critical | error | warning | info, optional ISO 8601
 *   `payload.timestamp`, `component`, `group`, `class`, `custom_details` (an object), `links` [{href, text}],
 *   `images` [{src, href, alt}], `client`, `client_url`; an event may not exceed 512 KB.
 * - Resolve an alert (https://developer.pagerduty.com/docs/events-api-v2/resolve-events/): `routing_key`,
 *   `event_action: "resolve"` and the trigger's `dedup_key`; no payload.
 * - The schema: https://raw.githubusercontent.com/PagerDuty/api-schema/main/reference/events-v2/openapiv3.json
 */
import { createHash } from "node:crypto";
import type { Severity } from "../../diagnosis/types.js";
import type { Message } from "../message.js";
import { isWebUrl } from "../render/urls.js";
import { cut, ELLIPSIS, singleLine } from "../text.js";
import { fitCustomDetails } from "./custom-details.js";

export type PagerDutyAction = "trigger" | "resolve";
export type PagerDutySeverity = "critical" | "error" | "warning" | "info";

export interface PagerDutyPayload {
  summary: string;
  source: string;
  severity: PagerDutySeverity;
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: Record<string, unknown>;
}

export interface PagerDutyLink {
  href: string;
  text?: string;
}

export interface PagerDutyImage {
  src: string;
  href?: string;
  alt?: string;
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyAction | "acknowledge";
  dedup_key?: string;
  payload?: PagerDutyPayload;
  links?: PagerDutyLink[];
  images?: PagerDutyImage[];
  client?: string;
  client_url?: string;
}

export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
/** PagerDuty's limit is 512 KB; an alert that big is unreadable, so the builder stays far below it. */
export const PAGERDUTY_EVENT_BUDGET_BYTES = 64 * 1024;

const CLIENT = "ecs-sentinel";
const DEDUP_PREFIX = "ecs-sentinel";
/** Source, component, group and class are shown in one line of the alert; PagerDuty documents no limit. */
const FIELD_MAX = 255;
const MAX_LINKS = 10;
const LINK_TEXT_MAX = 200;
/** A console URL is far shorter; anything longer is not worth a link on a page. */
const LINK_URL_MAX = 2048;

const SEVERITY: Readonly<Record<Severity, PagerDutySeverity>> = {
  critical: "critical",
  warning: "warning",
  info: "info",
};

/**
 * One clean line of at most `max` characters. Only a head of the text is cleaned: segmenting 100 KB to cut it
 * costs far more than the few hundred characters that are kept.
 */
function oneLine(value: string, max: number): string {
  return cut(singleLine(value.length > 4 * max ? `${value.slice(0, 4 * max)}${ELLIPSIS}` : value), max);
}

/** "api: container `web` ran out of memory (service api-v2 · cluster prod)": what the title does not name. */
function summary(m: Message): string {
  const title =
    oneLine(m.title, PAGERDUTY_SUMMARY_MAX) || oneLine(m.category, PAGERDUTY_SUMMARY_MAX) || "ECS event";
  const unnamed = (label: string, value: string | undefined) => {
    const name = field(value);
    return name && !title.includes(name) ? `${label} ${name}` : undefined;
  };
  const missing = [unnamed("service", m.service), unnamed("cluster", m.cluster)].filter(
    (part): part is string => part !== undefined,
  );
  if (missing.length === 0) return cut(title, PAGERDUTY_SUMMARY_MAX);
  const suffix = ` (${missing.join(" · ")})`;
  // The title is what a person reads first on a phone: it keeps at least half of the room.
  const titleRoom = Math.max(PAGERDUTY_SUMMARY_MAX - suffix.length, PAGERDUTY_SUMMARY_MAX / 2);
  return cut(`${cut(title, titleRoom)}${suffix}`, PAGERDUTY_SUMMARY_MAX);
}

function field(value: string | undefined): string | undefined {
  const clean = value === undefined ? "" : oneLine(value, FIELD_MAX);
  return clean || undefined;
}

/** `<account>/<region>/<cluster>`, or what of it is known; never empty, because PagerDuty requires it. */
function source(m: Message): string {
  const known = [m.account, m.region, m.cluster].map(field).filter(Boolean).join("/");
  return cut(known || field(m.service) || field(m.family) || CLIENT, FIELD_MAX);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** The event time in UTC ISO 8601, when the message's time is one. */
function timestamp(time: string | undefined): string | undefined {
  if (time === undefined || !ISO_8601.test(time.trim())) return undefined;
  const ms = Date.parse(time.trim());
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function links(m: Message): PagerDutyLink[] {
  const seen = new Set<string>();
  const out: PagerDutyLink[] = [];
  for (const link of m.links) {
    if (out.length >= MAX_LINKS) break;
    const https = link.url.length <= LINK_URL_MAX && isWebUrl(link.url) && /^https:\/\//i.test(link.url);
    if (!https || seen.has(link.url)) continue;
    seen.add(link.url);
    const text = oneLine(link.label, LINK_TEXT_MAX);
    out.push(text ? { href: link.url, text } : { href: link.url });
  }
  return out;
}

function byteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/** A trigger for the problem `dedupKey` names: the same key again updates the open alert instead of paging anew. */
export function pagerDutyTrigger(message: Message, routingKey: string, dedupKey: string): PagerDutyEvent {
  const payload: PagerDutyPayload = {
    summary: summary(message),
    source: source(message),
    severity: SEVERITY[message.severity],
  };
  const time = timestamp(message.time);
  if (time) payload.timestamp = time;
  const component = field(message.service) ?? field(message.family);
  if (component) payload.component = component;
  const group = field(message.cluster);
  if (group) payload.group = group;
  const eventClass = field(message.category);
  if (eventClass) payload.class = eventClass;
  const event: PagerDutyEvent = {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: fitDedupKey(dedupKey),
    payload,
    client: CLIENT,
  };
  const eventLinks = links(message);
  if (eventLinks.length > 0) event.links = eventLinks;
  const room = PAGERDUTY_EVENT_BUDGET_BYTES - byteLength(event);
  payload.custom_details = fitCustomDetails(message, room);
  return event;
}

/** Closes the alert the trigger with the same key opened (PagerDuty ignores a key it has no open alert for). */
export function pagerDutyResolve(routingKey: string, dedupKey: string): PagerDutyEvent {
  return { routing_key: routingKey, event_action: "resolve", dedup_key: fitDedupKey(dedupKey) };
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const LONE_SURROGATE = /^[\ud800-\udfff]$/;

/**
 * Percent-encodes (as UTF-8) everything outside printable ASCII, and `%` itself, so the mapping is one-to-one:
 * two different parts never become the same text. A lone surrogate (JSON can carry one) becomes `%uD800`.
 */
function printable(part: string): string {
  let out = "";
  for (const char of part) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code <= 0x7e && char !== "%") out += char;
    else if (LONE_SURROGATE.test(char)) out += `%u${code.toString(16).toUpperCase()}`;
    else out += encodeURIComponent(char);
  }
  return out;
}

/**
 * A key within PagerDuty's 255 characters: a longer one keeps a readable prefix and ends with the sha256 of the
 * whole, so two long keys that share the prefix still differ. A key with characters outside printable ASCII is
 * encoded and always hashed, under a marker of its own, so it never equals a key that was printable already.
 * Deterministic: the trigger and the resolve of one problem agree.
 */
function fitDedupKey(key: string): string {
  const isPrintable = PRINTABLE_ASCII.test(key);
  if (isPrintable && key.length <= PAGERDUTY_DEDUP_KEY_MAX) return key;
  const whole = isPrintable ? key : printable(key);
  const marker = isPrintable ? ":sha256:" : ":encoded-sha256:";
  const digest = createHash("sha256").update(whole).digest("hex");
  return `${whole.slice(0, PAGERDUTY_DEDUP_KEY_MAX - marker.length - digest.length)}${marker}${digest}`;
}

/** `ecs-sentinel:deployment:prod:api`: readable on the alert, stable across invocations, at most 255 characters. */
export function pagerDutyDedupKey(parts: readonly string[]): string {
  return fitDedupKey([DEDUP_PREFIX, ...parts.map(printable)].join(":"));
}
