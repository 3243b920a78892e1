/**
 * A real HTTP server standing in for a Slack incoming webhook (node:http on 127.0.0.1, random port).
 * It records every request and answers from a script: replies queued with `reply(...)` are used in order,
 * then the default (200 "ok", or what `replyAlways` set).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type SlackReply =
  | { status?: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { reset: true };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  receivedAt: number;
}

export interface SlackServer {
  /** The webhook URL (a path like Slack's, which is the secret part in real life). */
  url: string;
  requests: RecordedRequest[];
  reply(...replies: SlackReply[]): void;
  replyAlways(reply: SlackReply): void;
  close(): Promise<void>;
}

export const WEBHOOK_PATH = "/services/T000TEST/B000TEST/secretTokenDoNotLog";

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export async function startSlackServer(): Promise<SlackServer> {
  const requests: RecordedRequest[] = [];
  const queue: SlackReply[] = [];
  let fallback: SlackReply = { status: 200, body: "ok" };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = (req: IncomingMessage, res: ServerResponse, body: string) => {
    requests.push({
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body,
      json: parseJson(body),
      receivedAt: Date.now(),
    });
    const reply = queue.shift() ?? fallback;
    if ("reset" in reply) {
      req.socket.destroy();
      return;
    }
    const respond = () => {
      res.writeHead(reply.status ?? 200, { "content-type": "text/plain", ...reply.headers });
      res.end(reply.body ?? "ok");
    };
    if (!reply.delayMs) return respond();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) respond();
    }, reply.delayMs);
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => answer(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    requests,
    reply: (...replies) => {
      queue.push(...replies);
    },
    replyAlways: (reply) => {
      fallback = reply;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
