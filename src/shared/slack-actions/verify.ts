/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack): every request
 * carries `X-Slack-Request-Timestamp` (Unix seconds) and `X-Slack-Signature` = `v0=` + hex HMAC-SHA256, keyed
 * with the app's signing secret, over `v0:{timestamp}:{raw body}`. A request is Slack's only when the signature
 * matches the body exactly as received (never re-encoded) and the timestamp is within 5 minutes of now, in
 * either direction (an old one is a replay, a future one a pre-signed replay). Pure: node:crypto only.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_VERSION = "v0";
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Why a request is refused; logged, never shown to the caller beyond "invalid signature". */
export type SignatureFailure =
  | "missing-timestamp"
  | "malformed-timestamp"
  | "stale-timestamp"
  | "future-timestamp"
  | "missing-signature"
  /** A signing header sent twice (under any mix of case): not a request to guess about. */
  | "duplicate-header"
  | "unsupported-signature-version"
  | "malformed-signature"
  | "signature-mismatch"
  | "no-signing-secret";

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

/** Header values as Node (string | string[]) or a Lambda Function URL event (string) gives them. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyInput {
  headers: RequestHeaders;
  /** The body exactly as received: bytes, or the string Lambda passed (its bytes are hashed as UTF-8). */
  rawBody: string | Uint8Array;
  secret: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}

/**
 * The one value of a header, by case-insensitive name; undefined when absent or sent more than once (two
 * timestamps or two signatures are not a request to guess about).
 */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const values = headerValues(headers, name);
  return values.length === 1 ? values[0] : undefined;
}

/** Every value of a header, by case-insensitive name: Node gives repeats as arrays, a plain object as keys. */
function headerValues(headers: RequestHeaders, name: string): string[] {
  const wanted = name.toLowerCase();
  return Object.entries(headers)
    .filter(([key]) => key.toLowerCase() === wanted)
    .flatMap(([, value]) => (value === undefined ? [] : typeof value === "string" ? [value] : [...value]));
}

const SIGNING_HEADERS = ["x-slack-request-timestamp", "x-slack-signature"] as const;

const TIMESTAMP = /^[0-9]{1,12}$/;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/** The signature Slack would send for this body and timestamp. */
export function slackSignature(secret: string, timestamp: string, rawBody: string | Uint8Array): string {
  const hmac = createHmac("sha256", secret);
  hmac.update(`${SIGNATURE_VERSION}:${timestamp}:`, "utf8");
  if (typeof rawBody === "string") hmac.update(rawBody, "utf8");
  else hmac.update(rawBody);
  return `${SIGNATURE_VERSION}=${hmac.digest("hex")}`;
}

function timestampProblem(
  timestamp: string | undefined,
  nowSeconds: number,
  tolerance: number,
): SignatureFailure | undefined {
  if (timestamp === undefined || timestamp.trim() === "") return "missing-timestamp";
  if (!TIMESTAMP.test(timestamp)) return "malformed-timestamp";
  const age = Math.floor(nowSeconds) - Number(timestamp);
  if (age > tolerance) return "stale-timestamp";
  if (age < -tolerance) return "future-timestamp";
  return undefined;
}

/** Checks the timestamp first (cheap), then the signature with a constant-time compare. Never throws. */
export function verifySlackSignature(input: VerifyInput): SignatureCheck {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!input.secret) return { ok: false, reason: "no-signing-secret" };
  if (SIGNING_HEADERS.some((name) => headerValues(input.headers, name).length > 1))
    return { ok: false, reason: "duplicate-header" };
  const timestamp = headerValue(input.headers, "x-slack-request-timestamp");
  const late = timestampProblem(timestamp, input.nowSeconds, tolerance);
  if (late || timestamp === undefined) return { ok: false, reason: late ?? "missing-timestamp" };

  const given = headerValue(input.headers, "x-slack-signature");
  if (given === undefined || given === "") return { ok: false, reason: "missing-signature" };
  if (!given.startsWith(`${SIGNATURE_VERSION}=`))
    return { ok: false, reason: "unsupported-signature-version" };

  const expected = Buffer.from(slackSignature(input.secret, timestamp, input.rawBody), "utf8");
  const received = Buffer.from(given, "utf8");
  // timingSafeEqual throws on different lengths: a wrong length is simply not the signature.
  const same = received.length === expected.length && timingSafeEqual(received, expected);
  if (same) return { ok: true };
  return { ok: false, reason: SIGNATURE.test(given) ? "signature-mismatch" : "malformed-signature" };
}
