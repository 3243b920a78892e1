/**
 * Ephemeral answers to the clicker through the click's `response_url` (valid 30 minutes, 5 uses): a JSON POST
 * `{ response_type: "ephemeral", replace_original: false, text }`. The URL comes from the request body, so it
 * is only used when it is Slack's own (`https://hooks.slack.com/...`, or http on the loopback interface for
 * tests): a click's answer is never posted to an arbitrary host. The URL is a bearer credential: never logged.
 */
import type { Log } from "../log.js";

/** The response_url is not Slack's, or Slack refused the answer. The message never quotes the URL. */
export class ResponseUrlError extends Error {
  override readonly name = "ResponseUrlError";
}

const SLACK_HOSTS = new Set(["hooks.slack.com"]);
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The URL when it is Slack's (or loopback http), else ResponseUrlError. */
export function allowedResponseUrl(candidate: string): URL {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new ResponseUrlError("the response_url is not a URL");
  }
  if (url.username || url.password) throw new ResponseUrlError("the response_url carries credentials");
  const slack = url.protocol === "https:" && SLACK_HOSTS.has(url.hostname) && url.port === "";
  const loopback = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (!slack && !loopback) {
    throw new ResponseUrlError(
      `the response_url is not Slack's (${url.protocol}//${url.hostname}): refusing to post the answer there`,
    );
  }
  return url;
}

export interface ResponderOptions {
  fetch: typeof fetch;
  log: Log;
  /** Per attempt; the whole answer must fit in Slack's 3 seconds in Lambda (default 1500 ms). */
  timeoutMs?: number;
  /** Attempts for a network error, 429 or 5xx (default 2). */
  attempts?: number;
}

const transient = (status: number) => status === 429 || status >= 500;

/** `respond(responseUrl, text)`: one ephemeral message to the clicker; throws ResponseUrlError when refused. */
export function buildResponder(
  options: ResponderOptions,
): (responseUrl: string, text: string) => Promise<void> {
  const attempts = options.attempts ?? 2;
  const timeoutMs = options.timeoutMs ?? 1500;
  return async (responseUrl, text) => {
    const url = allowedResponseUrl(responseUrl);
    const body = JSON.stringify({ response_type: "ephemeral", replace_original: false, text });
    let last = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await options.fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8" },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) return;
        last = `Slack answered ${response.status}`;
        if (!transient(response.status)) break;
      } catch (error) {
        last = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      options.log.warn("Slack action reply failed", { attempt, error: last });
    }
    throw new ResponseUrlError(`the ephemeral answer was not accepted: ${last}`);
  };
}
