/**
 * A local stand-in of a Microsoft Teams Workflows webhook ("When a Teams webhook request is received" posting
 * the card to a channel): a real HTTP server on 127.0.0.1 that accepts only what Teams documents, so a sender and
 * a renderer that pass here post cards Teams shows. Sources:
 * - The body: `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
 *   "contentUrl":null,"content":{AdaptiveCard}}]}`, Adaptive Cards only; 202 Accepted
 *   (learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 * - "The message size limit is 28 KB" (same page); over it Teams answers 413 "Request Entity too large".
 * - More than four requests a second are throttled with HTTP 429 (same page): `throttleNext`.
 * - The card: Microsoft's own Adaptive Cards object model (`adaptivecards` npm package, which parses without a
 *   DOM) reports unknown element and action types, invalid enum values, a missing `url`, a wrong card type and
 *   versions it does not know; what it lets pass but the schema requires (adaptivecards.io/explorer: the card's
 *   `version`, `TextBlock.text`, `Fact.title`/`value`, `Container.items`) is checked here; the version must be
 *   1.4 or 1.5, the ones ecs-sentinel targets.
 * Stricter than Teams on purpose: a real workflow answers 202 to any JSON and its run fails later on a bad card;
 * the stand-in answers 400 with the problems so that a test sees them. The URL's `sig=` is a random secret, as
 * in a real workflow URL; another signature gets 401.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo, Socket } from "node:net";

// The package's ESM build imports its files without extensions, which Node cannot load; its UMD build can.
const AdaptiveCards = createRequire(import.meta.url)(
  "adaptivecards/dist/adaptivecards.js",
) as typeof import("adaptivecards");

export const STANDIN_MAX_BYTES = 28 * 1024;
const ADAPTIVE = "application/vnd.microsoft.card.adaptive";
const VERSIONS = ["1.4", "1.5"];

export interface TeamsRejection {
  status: number;
  errors: string[];
}

export interface TeamsStandin {
  /** The webhook URL, secret signature included: a test must not find it in errors or logs. */
  url: string;
  /** The signature alone, to search logs for. */
  signature: string;
  /** Accepted cards (the attachment's `content`), in order. */
  cards: unknown[];
  rejected: TeamsRejection[];
  /** Every POST that reached the webhook's path, accepted or not. */
  requestCount(): number;
  /** The next `n` requests get 429 with `Retry-After: retryAfterSeconds`. */
  throttleNext(n?: number, retryAfterSeconds?: number): void;
  /** The next `n` requests get `status` with a Teams-like error body. */
  failNext(status: number, n?: number): void;
  close(): Promise<void>;
}

export interface TeamsStandinOptions {
  maxBytes?: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What the schema requires and the object model does not enforce, element by element. */
function requiredProblems(element: unknown, path: string): string[] {
  if (!isObject(element)) return [`${path}: not an object`];
  const problems: string[] = [];
  const need = (key: string, check: (v: unknown) => boolean, what: string) => {
    if (!check(element[key])) problems.push(`${path}.${key}: ${what} is required`);
  };
  const isString = (v: unknown) => typeof v === "string";
  const isArray = (v: unknown) => Array.isArray(v);
  if (element.type === "TextBlock") need("text", isString, "a string");
  if (element.type === "FactSet") {
    need("facts", isArray, "an array");
    for (const [i, fact] of (Array.isArray(element.facts) ? element.facts : []).entries()) {
      if (!isObject(fact) || typeof fact.title !== "string" || typeof fact.value !== "string")
        problems.push(`${path}.facts[${i}]: title and value are required strings`);
    }
  }
  if (element.type === "Container") {
    need("items", isArray, "an array");
    for (const [i, item] of (Array.isArray(element.items) ? element.items : []).entries())
      problems.push(...requiredProblems(item, `${path}.items[${i}]`));
  }
  if (element.type === "ColumnSet" && Array.isArray(element.columns)) {
    for (const [i, column] of element.columns.entries()) {
      const items = isObject(column) && Array.isArray(column.items) ? column.items : [];
      for (const [j, item] of items.entries())
        problems.push(...requiredProblems(item, `${path}.columns[${i}].items[${j}]`));
    }
  }
  return problems;
}

/** Every reason Teams (or the Adaptive Card schema) would refuse this card; empty when it is valid. */
export function adaptiveCardProblems(card: unknown): string[] {
  if (!isObject(card)) return ["content: the card must be an object"];
  const problems: string[] = [];
  if (card.type !== "AdaptiveCard") problems.push('content.type: must be "AdaptiveCard"');
  if (typeof card.version !== "string") problems.push("content.version: is required");
  else if (!VERSIONS.includes(card.version))
    problems.push(`content.version: ${card.version} is not one of ${VERSIONS.join(", ")}`);
  if (card.body !== undefined && !Array.isArray(card.body)) problems.push("content.body: must be an array");
  if (card.actions !== undefined && !Array.isArray(card.actions))
    problems.push("content.actions: must be an array");
  for (const [i, element] of (Array.isArray(card.body) ? card.body : []).entries())
    problems.push(...requiredProblems(element, `content.body[${i}]`));

  const parsed = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parser: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`schema: ${event.message}`);
  return problems;
}

/** Problems of the whole webhook body: the message envelope, then its card. */
export function teamsBodyProblems(body: unknown): string[] {
  if (!isObject(body)) return ["body: must be a JSON object"];
  if (body.type !== "message") return ['type: must be "message"'];
  const attachments = body.attachments;
  if (!Array.isArray(attachments) || attachments.length !== 1)
    return ["attachments: exactly one attachment is required"];
  const [attachment] = attachments as unknown[];
  if (!isObject(attachment)) return ["attachments[0]: must be an object"];
  if (attachment.contentType !== ADAPTIVE) return [`attachments[0].contentType: must be ${ADAPTIVE}`];
  if (attachment.contentUrl !== undefined && attachment.contentUrl !== null)
    return ["attachments[0].contentUrl: must be null"];
  return adaptiveCardProblems(attachment.content);
}

function teamsError(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export async function startTeamsStandin(options: TeamsStandinOptions = {}): Promise<TeamsStandin> {
  const maxBytes = options.maxBytes ?? STANDIN_MAX_BYTES;
  const workflowId = randomBytes(16).toString("hex");
  const signature = randomBytes(24).toString("base64url");
  const path = `/workflows/${workflowId}/triggers/manual/paths/invoke`;
  const cards: unknown[] = [];
  const rejected: TeamsRejection[] = [];
  const injected: Array<{ status: number; retryAfterSeconds?: number }> = [];
  let requests = 0;

  function answer(status: number, body: string, headers: Record<string, string> = {}) {
    return { status, body, headers: { "content-type": "application/json; charset=utf-8", ...headers } };
  }

  function reject(status: number, code: string, errors: string[]) {
    rejected.push({ status, errors });
    return answer(status, teamsError(code, errors.join("; ")));
  }

  function handle(method: string, url: URL, contentType: string, raw: Buffer) {
    if (url.pathname !== path)
      return answer(404, teamsError("TriggerNotFound", "The workflow was not found."));
    if (url.searchParams.get("sig") !== signature)
      return reject(401, "DirectApiInvalidAuthorizationSignature", ["the request signature is not valid"]);
    if (method !== "POST") return reject(405, "MethodNotAllowed", [`${method} is not allowed`]);
    requests++;
    const next = injected.shift();
    if (next?.status === 429)
      return answer(429, teamsError("TooManyRequests", "Rate limit is exceeded."), {
        "retry-after": String(next.retryAfterSeconds ?? 1),
      });
    if (next) return answer(next.status, teamsError("Injected", `injected HTTP ${next.status}`));
    if (raw.length > maxBytes)
      return reject(413, "RequestEntityTooLarge", [`the message is ${raw.length} bytes, over ${maxBytes}`]);
    if (!contentType.toLowerCase().startsWith("application/json"))
      return reject(400, "InvalidRequestContent", ["content-type must be application/json"]);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return reject(400, "InvalidRequestContent", ["the body is not JSON"]);
    }
    const problems = teamsBodyProblems(body);
    if (problems.length > 0) return reject(400, "InvalidRequestContent", problems);
    cards.push((body as { attachments: [{ content: unknown }] }).attachments[0].content);
    return answer(202, "");
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://standin");
      const result = handle(req.method ?? "", url, req.headers["content-type"] ?? "", Buffer.concat(chunks));
      res.writeHead(result.status, result.headers);
      res.end(result.body);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const query = `api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${signature}`;

  return {
    url: `http://127.0.0.1:${port}${path}?${query}`,
    signature,
    cards,
    rejected,
    requestCount: () => requests,
    throttleNext(n = 1, retryAfterSeconds = 1) {
      for (let i = 0; i < n; i++) injected.push({ status: 429, retryAfterSeconds });
    },
    failNext(status, n = 1) {
      for (let i = 0; i < n; i++) injected.push({ status });
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
