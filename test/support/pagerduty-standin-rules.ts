/**
 * What PagerDuty's Events API v2 accepts, as its documentation states it, for the stand-in (and for tests that
 * check a built event directly). Sources:
 * - Send an Alert Event: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ — routing_key is the
 *   32-character integration key; event_action trigger | acknowledge | resolve; dedup_key at most 255
 *   characters; payload.summary at most 1,024 characters, payload.source and payload.severity (critical |
 *   error | warning | info) required; timestamp ISO 8601; custom_details an object; an event at most 512 KB.
 * - Acknowledge and resolve need the dedup_key of the alert
 *   (https://developer.pagerduty.com/docs/events-api-v2/resolve-events/).
 * - The schema (links need `href`, images need `src`):
 *   https://raw.githubusercontent.com/PagerDuty/api-schema/main/reference/events-v2/openapiv3.json
 * - The 400 answer's wording, e.g. "Length of 'routing_key' is incorrect (should be 32 characters)", from the
 *   documented example response.
 * Not modelled: PagerDuty truncating rather than rejecting some over-long optional fields; a disabled service.
 */

export const ROUTING_KEY_LENGTH = 32;
export const SUMMARY_MAX = 1024;
export const DEDUP_KEY_MAX = 255;
export const EVENT_MAX_BYTES = 512 * 1024;

const ACTIONS = ["trigger", "acknowledge", "resolve"];
const SEVERITIES = ["critical", "error", "warning", "info"];
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?$/i;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isIso8601(value: string): boolean {
  const match = ISO_8601.exec(value);
  if (!match) return false;
  const [month, day, hour, minute, second = "0", offsetHours = "0", offsetMinutes = "0"] = match
    .slice(2)
    .map((part) => part ?? "0");
  const inRange = (text: string | undefined, low: number, high: number) =>
    Number(text) >= low && Number(text) <= high;
  return (
    inRange(month, 1, 12) &&
    inRange(day, 1, 31) &&
    inRange(hour, 0, 23) &&
    inRange(minute, 0, 59) &&
    inRange(second, 0, 60) &&
    inRange(offsetHours, 0, 23) &&
    inRange(offsetMinutes, 0, 59) &&
    !Number.isNaN(Date.parse(value))
  );
}

function optionalString(errors: string[], object: Record<string, unknown>, name: string, where: string) {
  if (name in object && typeof object[name] !== "string") errors.push(`'${where}${name}' must be a string`);
}

function checkArray(errors: string[], value: unknown, name: string, required: string) {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    errors.push(`'${name}' must be an array`);
    return;
  }
  value.forEach((item, i) => {
    if (!isObject(item)) errors.push(`'${name}[${i}]' must be an object`);
    else if (typeof item[required] !== "string" || item[required] === "")
      errors.push(`'${name}[${i}].${required}' is missing or blank`);
  });
}

function checkPayload(errors: string[], payload: unknown) {
  if (!isObject(payload)) {
    errors.push("'payload' is missing or not an object");
    return;
  }
  const { summary, source, severity, timestamp, custom_details: details } = payload;
  if (typeof summary !== "string" || summary.length === 0)
    errors.push("'payload.summary' is missing or blank");
  else if (summary.length > SUMMARY_MAX)
    errors.push(`Length of 'payload.summary' is too long (maximum is ${SUMMARY_MAX} characters)`);
  if (typeof source !== "string" || source.trim() === "") errors.push("'payload.source' is missing or blank");
  if (typeof severity !== "string" || !SEVERITIES.includes(severity))
    errors.push(`'payload.severity' must be one of ${SEVERITIES.join(", ")}`);
  if (timestamp !== undefined && (typeof timestamp !== "string" || !isIso8601(timestamp)))
    errors.push("'payload.timestamp' must be a valid ISO 8601 timestamp");
  for (const name of ["component", "group", "class"]) optionalString(errors, payload, name, "payload.");
  if (details !== undefined && !isObject(details)) errors.push("'payload.custom_details' must be an object");
}

/** PagerDuty's reasons to answer 400 "invalid event"; empty when the event would be accepted. */
export function pagerDutyEventErrors(event: unknown, sizeBytes = 0): string[] {
  if (!isObject(event)) return ["Event object format is unrecognized"];
  const errors: string[] = [];
  if (sizeBytes > EVENT_MAX_BYTES) errors.push(`Event is larger than ${EVENT_MAX_BYTES} bytes`);
  const { routing_key: routingKey, event_action: action, dedup_key: dedupKey } = event;
  if (typeof routingKey !== "string" || routingKey === "") errors.push("'routing_key' is missing or blank");
  else if (routingKey.length !== ROUTING_KEY_LENGTH)
    errors.push(`Length of 'routing_key' is incorrect (should be ${ROUTING_KEY_LENGTH} characters)`);
  if (typeof action !== "string" || !ACTIONS.includes(action))
    errors.push(`'event_action' must be one of ${ACTIONS.join(", ")}`);
  if (dedupKey !== undefined && typeof dedupKey !== "string") errors.push("'dedup_key' must be a string");
  else if (typeof dedupKey === "string" && dedupKey.length > DEDUP_KEY_MAX)
    errors.push(`Length of 'dedup_key' is too long (maximum is ${DEDUP_KEY_MAX} characters)`);
  if ((action === "acknowledge" || action === "resolve") && (typeof dedupKey !== "string" || dedupKey === ""))
    errors.push(`'dedup_key' is required for ${action} events`);
  if (action === "trigger") checkPayload(errors, event.payload);
  optionalString(errors, event, "client", "");
  optionalString(errors, event, "client_url", "");
  checkArray(errors, event.links, "links", "href");
  checkArray(errors, event.images, "images", "src");
  return errors;
}
