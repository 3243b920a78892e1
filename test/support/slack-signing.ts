/**
 * Signs a request body as Slack does (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{body}" keyed with the signing secret>` and
 * `X-Slack-Request-Timestamp`. Written with node:crypto on its own, not with the code under test.
 */
import { createHmac } from "node:crypto";

export interface SlackSignedHeaders {
  "content-type": string;
  "x-slack-request-timestamp": string;
  "x-slack-signature": string;
  [name: string]: string;
}

export function signSlackRequest(
  body: string | Uint8Array,
  secret: string,
  timestampSeconds: number,
): SlackSignedHeaders {
  const timestamp = String(Math.floor(timestampSeconds));
  const hmac = createHmac("sha256", secret).update(`v0:${timestamp}:`);
  hmac.update(typeof body === "string" ? Buffer.from(body, "utf8") : body);
  return {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": timestamp,
    "x-slack-signature": `v0=${hmac.digest("hex")}`,
  };
}

/** A block_actions payload as Slack posts it: the form field `payload` holding the JSON. */
export function slackFormBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
