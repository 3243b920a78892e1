/**
 * A local stand-in of PagerDuty's Events API v2 (`POST /v2/enqueue`): a real HTTP server on 127.0.0.1 that
 * validates events as PagerDuty documents them (pagerduty-standin-rules.ts) and answers as PagerDuty does
 * (https://developer.pagerduty.com/docs/events-api-v2/overview/, "API Response Codes & Retry Logic"):
 * 202 `{status: "success", message: "Event processed", dedup_key}` (a key is generated for a trigger without
 * one), 400 `{status: "invalid event", message: "Event object is invalid", errors: [...]}`, 429 when throttled,
 * 5xx when told to fail. It keeps the alerts a real service would hold, one per dedup_key, so tests can count
 * triggers and resolves per problem.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { pagerDutyEventErrors } from "./pagerduty-standin-rules.js";

export const ENQUEUE_PATH = "/v2/enqueue";
/** A well-formed routing key (32 characters) the stand-in accepts; tests check it never leaks. */
export const STANDIN_ROUTING_KEY = "R0standinRoutingKeyDoNotLog00001";

export interface StandinIncident {
  status: "triggered" | "resolved";
  triggers: number;
  resolves: number;
}

export interface RejectedEvent {
  /** The body as sent (parsed when it is JSON). */
  body: unknown;
  errors: string[];
}

export interface PagerDutyStandinOptions {
  /** The dedup_key given to a trigger that has none (PagerDuty makes a random one); random by default. */
  newDedupKey?: () => string;
}

export interface PagerDutyStandin {
  /** The full enqueue URL, e.g. `http://127.0.0.1:PORT/v2/enqueue`. */
  url: string;
  /** Accepted events, in order. */
  events: Record<string, unknown>[];
  /** Events answered 400, in order. */
  rejected: RejectedEvent[];
  /** Every request's HTTP status, in order (throttled and failed ones included). */
  answers: number[];
  /** Answers the next `n` requests 429 (with `Retry-After: retryAfterSeconds` when given). */
  throttleNext(n?: number, retryAfterSeconds?: number): void;
  /** Answers the next `n` requests with `status` (e.g. 500, 503, 404) before looking at them. */
  failNext(status: number, n?: number): void;
  /** dedup_key → the alert's state, as PagerDuty would hold it. */
  incidents(): Map<string, StandinIncident>;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const THROTTLED = {
  status: "throttle event",
  message: "Requests for this service are arriving too quickly. Please retry later.",
};

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export async function startPagerDutyStandin(
  options: PagerDutyStandinOptions = {},
): Promise<PagerDutyStandin> {
  const newDedupKey = options.newDedupKey ?? (() => randomUUID().replaceAll("-", ""));
  const events: Record<string, unknown>[] = [];
  const rejected: RejectedEvent[] = [];
  const answers: number[] = [];
  const injected: Answer[] = [];
  const alerts = new Map<string, StandinIncident>();

  function record(event: Record<string, unknown>): string {
    const action = event.event_action;
    const dedupKey =
      typeof event.dedup_key === "string" && event.dedup_key !== "" ? event.dedup_key : undefined;
    const key = dedupKey ?? newDedupKey();
    events.push(event);
    const alert = alerts.get(key) ?? { status: "resolved", triggers: 0, resolves: 0 };
    if (action === "trigger") {
      alert.triggers++;
      alert.status = "triggered";
      alerts.set(key, alert);
    } else if (action === "resolve") {
      // PagerDuty accepts a resolve for a key with no open alert and does nothing; it is counted all the same.
      alert.resolves++;
      alert.status = "resolved";
      alerts.set(key, alert);
    }
    return key;
  }

  function enqueue(method: string | undefined, path: string, raw: string): Answer {
    if (path !== ENQUEUE_PATH) return { status: 404, body: { status: "not found", message: "Not Found" } };
    if (method !== "POST")
      return { status: 405, body: { status: "method not allowed", message: "Method Not Allowed" } };
    const body = parse(raw);
    if (body === undefined) {
      rejected.push({ body: raw, errors: ["JSON parse error"] });
      return {
        status: 400,
        body: {
          status: "Unrecognized object",
          message: "Event object format is unrecognized",
          errors: ["JSON parse error"],
        },
      };
    }
    const errors = pagerDutyEventErrors(body, Buffer.byteLength(raw));
    if (errors.length > 0) {
      rejected.push({ body, errors });
      return { status: 400, body: { status: "invalid event", message: "Event object is invalid", errors } };
    }
    const dedupKey = record(body as Record<string, unknown>);
    return { status: 202, body: { status: "success", message: "Event processed", dedup_key: dedupKey } };
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const path = new URL(req.url ?? "/", "http://standin").pathname;
      const answer = injected.shift() ?? enqueue(req.method, path, raw);
      answers.push(answer.status);
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${ENQUEUE_PATH}`,
    events,
    rejected,
    answers,
    throttleNext(n = 1, retryAfterSeconds) {
      const headers =
        retryAfterSeconds === undefined ? undefined : { "retry-after": String(retryAfterSeconds) };
      for (let i = 0; i < n; i++)
        injected.push({ status: 429, body: THROTTLED, ...(headers ? { headers } : {}) });
    },
    failNext(status, n = 1) {
      const body = { status: "error", message: status >= 500 ? "Internal Server Error" : "Request failed" };
      for (let i = 0; i < n; i++) injected.push({ status, body });
    },
    incidents: () => new Map([...alerts].map(([key, alert]) => [key, { ...alert }])),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
