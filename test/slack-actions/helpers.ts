/** Shared pieces of the endpoint tests: a recording log, the fixture click, and recording ports. */
import { readFileSync } from "node:fs";
import type { Log } from "../../src/shared/log.js";
import type { SlackActionEndpointDeps } from "../../src/shared/slack-actions/endpoint.js";
import type { ActionDecision, ClaimRef, ClickedAction } from "../../src/shared/slack-actions/types.js";
import { signSlackRequest, slackFormBody } from "../support/slack-signing.js";

export const SECRET = "8f742231b10e8888abcd99aabbcc85a5";
export const NOW_SECONDS = 1_767_326_131;

export function fixturePayload(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL("./fixtures/block-actions-rollback.json", import.meta.url), "utf8"),
  ) as Record<string, unknown>;
}

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown>;
}

export function recordingLog(): Log & { lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine["level"]) =>
    (message: string, ...extra: object[]) =>
      lines.push({ level, message, fields: Object.assign({}, ...extra) as Record<string, unknown> });
  return {
    lines,
    text: () => lines.map((line) => `${line.message} ${JSON.stringify(line.fields)}`).join("\n"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}

/** Ports that record every call, in order, into `events`. */
export function recordingPorts(decision: ActionDecision | (() => Promise<ActionDecision>)) {
  const events: string[] = [];
  const clicks: ClickedAction[] = [];
  const deferred: ClaimRef[] = [];
  const replies: { url: string; text: string }[] = [];
  const log = recordingLog();
  let secretReads = 0;
  const deps: SlackActionEndpointDeps = {
    signingSecret: async () => {
      secretReads++;
      events.push("secret");
      return SECRET;
    },
    clock: () => NOW_SECONDS * 1000,
    decide: async (click) => {
      events.push("decide");
      clicks.push(click);
      return typeof decision === "function" ? decision() : decision;
    },
    defer: async (claim) => {
      events.push("defer");
      deferred.push(claim);
    },
    respond: async (url, text) => {
      events.push("respond");
      replies.push({ url, text });
    },
    log,
  };
  return { deps, events, clicks, deferred, replies, log, secretReads: () => secretReads };
}

/** A signed POST of the fixture (or the given payload) to /slack/actions. */
export function signedRequest(payload: unknown = fixturePayload(), timestamp = NOW_SECONDS, secret = SECRET) {
  const body = slackFormBody(payload);
  return { method: "POST", path: "/slack/actions", headers: signSlackRequest(body, secret, timestamp), body };
}
