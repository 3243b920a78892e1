/**
 * The local HTTP server of `ecs-sentinel actions serve`: node:http, every request through the same
 * `handleSlackActionRequest` as the Lambda. The body is read up to one byte past the limit and no further, so
 * an oversized request is refused (413) without being buffered; `after` (the ephemeral reply, the in-process
 * execution) runs once `res.end()` has flushed the answer. `close` stops listening and waits for pending work.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Log } from "../shared/log.js";
import {
  handleSlackActionRequest,
  MAX_BODY_BYTES,
  type SlackActionEndpointDeps,
} from "../shared/slack-actions/endpoint.js";

export interface ActionsServer {
  /** e.g. http://127.0.0.1:3000 */
  origin: string;
  close: () => Promise<void>;
}

/** The body, or its first MAX_BODY_BYTES + 1 bytes when it is larger (enough to refuse it). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      req.resume();
      resolve(Buffer.alloc(MAX_BODY_BYTES + 1));
      return;
    }
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off("data", onData);
        req.resume();
        resolve(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES + 1));
      }
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startActionsServer(options: {
  host: string;
  port: number;
  endpoint: SlackActionEndpointDeps;
  log: Log;
}): Promise<ActionsServer> {
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const body = await readBody(req);
    const outcome = await handleSlackActionRequest(
      { method: req.method ?? "GET", path, headers: req.headers, body },
      options.endpoint,
    );
    const tooLarge = outcome.status === 413;
    res.writeHead(outcome.status, { ...outcome.headers, ...(tooLarge ? { connection: "close" } : {}) });
    let answered: () => void = () => {};
    const sent = new Promise<void>((resolve) => {
      answered = resolve;
    });
    track(sent.then(() => outcome.after()));
    // Flushed, or the client went away: either way the answer is no longer waited for.
    res.once("close", answered);
    res.end(outcome.body, answered);
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      options.log.error("Slack action request failed", {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("internal error");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    origin: `http://${host}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await Promise.allSettled([...pending]);
    },
  };
}
