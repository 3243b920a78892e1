/**
 * Delivery errors. None of them carries a webhook URL (it is the secret) or a raw fetch error (whose
 * message may quote the URL): only status codes, Slack's error text and error codes.
 */
import type { ChannelName } from "../port.js";

/** Slack answered 4xx (not 429): the payload or the webhook is wrong, retrying cannot help. */
export class SlackRejectedError extends Error {
  override readonly name = "SlackRejectedError";
  constructor(
    readonly status: number,
    /** Slack's error text, e.g. `invalid_payload`, `channel_is_archived`, `no_service`. */
    readonly slackError: string,
  ) {
    super(`Slack rejected the message: HTTP ${status} ${slackError}`);
  }
}

/** Slack stayed unavailable (429, 5xx, timeouts, resets) until the retries or the deadline ran out. */
export class SlackUnavailableError extends Error {
  override readonly name = "SlackUnavailableError";
  constructor(
    readonly attempts: number,
    /** The last problem seen, e.g. `HTTP 503`, `HTTP 429`, `timeout`, `ECONNRESET`. */
    readonly lastProblem: string,
  ) {
    super(`Slack unavailable after ${attempts} attempt(s): ${lastProblem}`);
  }
}

/** The webhook URL (from the environment or a secret) is missing or not an acceptable URL. */
export class WebhookUrlError extends Error {
  override readonly name = "WebhookUrlError";
}

/** SNS refused or failed the publish after the SDK's own retries. */
export class EmailDeliveryError extends Error {
  override readonly name = "EmailDeliveryError";
  constructor(
    /** AWS error name, e.g. `ThrottlingException`, `AuthorizationErrorException`, `NotFoundException`. */
    readonly awsError: string,
    detail: string,
  ) {
    super(`SNS publish failed: ${awsError}: ${detail}`);
  }
}

export interface ChannelFailure {
  channel: ChannelName;
  error: Error;
}

/** At least one channel failed; the others were delivered. Thrown so Lambda retries / dead-letters the event. */
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  readonly failedChannels: ChannelName[];
  constructor(
    readonly failures: ChannelFailure[],
    /** What did happen, for logs and callers that want the per-channel outcome. */
    readonly outcome?: unknown,
  ) {
    super(`delivery failed on ${failures.map((f) => `${f.channel} (${f.error.message})`).join(", ")}`);
    this.failedChannels = failures.map((f) => f.channel);
  }
}

/** SNS refused or failed the publish of an Amazon Q Developer custom notification after the SDK's own retries. */
export class ChatbotDeliveryError extends Error {
  override readonly name = "ChatbotDeliveryError";
  constructor(
    /** AWS error name, e.g. `ThrottlingException`, `AuthorizationErrorException`, `NotFoundException`. */
    readonly awsError: string,
    detail: string,
  ) {
    super(`Amazon Q Developer notification publish failed: ${awsError}: ${detail}`);
  }
}

/** Teams answered 4xx (not 429): the card or the workflow's URL is wrong, retrying cannot help. */
export class TeamsRejectedError extends Error {
  override readonly name = "TeamsRejectedError";
  constructor(
    readonly status: number,
    /** The start of Teams' answer, URL removed, e.g. `{"error":{"code":"InvalidRequestContent",...`. */
    readonly teamsError: string,
  ) {
    super(`Teams rejected the message: HTTP ${status} ${teamsError}`);
  }
}

/** Teams stayed unavailable (429, 5xx, timeouts, resets) until the retries or the deadline ran out. */
export class TeamsUnavailableError extends Error {
  override readonly name = "TeamsUnavailableError";
  constructor(
    readonly attempts: number,
    /** The last problem seen, e.g. `HTTP 503`, `HTTP 429`, `timeout`, `ECONNRESET`. */
    readonly lastProblem: string,
  ) {
    super(`Teams unavailable after ${attempts} attempt(s): ${lastProblem}`);
  }
}

/**
 * PagerDuty answered 4xx (not 429): `400 invalid event` with its reasons, or a wrong URL. Retrying cannot help.
 * Carries PagerDuty's message and errors (the routing key redacted), never the event.
 */
export class PagerDutyRejectedError extends Error {
  override readonly name = "PagerDutyRejectedError";
  constructor(
    readonly status: number,
    /** PagerDuty's `message`, e.g. `Event object is invalid`. */
    readonly pagerDutyMessage: string,
    /** PagerDuty's `errors`, e.g. `Length of 'routing_key' is incorrect (should be 32 characters)`. */
    readonly errors: readonly string[],
  ) {
    super(
      `PagerDuty rejected the event: HTTP ${status} ${pagerDutyMessage}${errors.length > 0 ? `: ${errors.join("; ")}` : ""}`,
    );
  }
}

/** PagerDuty stayed unavailable (429, 5xx, timeouts, resets) until the retries or the deadline ran out. */
export class PagerDutyUnavailableError extends Error {
  override readonly name = "PagerDutyUnavailableError";
  constructor(
    readonly attempts: number,
    /** The last problem seen, e.g. `HTTP 503`, `HTTP 429`, `timeout`, `ECONNREFUSED`. */
    readonly lastProblem: string,
  ) {
    super(`PagerDuty unavailable after ${attempts} attempt(s): ${lastProblem}`);
  }
}
