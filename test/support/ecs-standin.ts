/**
 * A local stand-in of the Amazon ECS API for what moto lacks (service revisions, service deployments, their
 * lifecycle hooks): a real HTTP server on 127.0.0.1 speaking the JSON protocol the AWS SDK v3 uses, so code under
 * test (a packaged Lambda included) reaches it through AWS_ENDPOINT_URL_ECS with no change. Protocol (AWS JSON 1.1,
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html, and the API reference's "Common Errors"):
 * - `POST /`, `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>`,
 *   a SigV4 `Authorization` for the `ecs` service (missing: MissingAuthenticationTokenException, 403);
 * - answers 200 with the JSON output, timestamps as epoch seconds; errors as HTTP 400 (500 for ServerException)
 *   with `{"__type": "<ErrorType>", "message": "..."}`, which the SDK turns into its named exception classes;
 * - an operation it does not serve: UnknownOperationException; a body that is not a JSON object:
 *   SerializationException.
 * The operations and their rules: test/support/ecs-standin-operations.ts. `failNext` makes an operation answer an
 * error (ServerException 500, ThrottlingException 400) for its next calls, as ECS does under load.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { EcsApiError, type EcsStandinWorld, emptyWorld, OPERATIONS } from "./ecs-standin-operations.js";

export { EcsApiError, type EcsStandinWorld, emptyWorld } from "./ecs-standin-operations.js";

const TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
const CONTENT_TYPE = "application/x-amz-json-1.1";

export interface EcsStandinCall {
  /** The operation named by X-Amz-Target (what follows the prefix), or the raw header when it is not ECS's. */
  operation: string;
  request: Record<string, unknown>;
  /** The error type answered, when the call failed. */
  error?: string;
}

export interface EcsStandinFault {
  /** `__type` of the answer, e.g. ServerException or ThrottlingException. */
  type: string;
  /** HTTP status; 500 for ServerException, 400 otherwise, unless given. */
  status?: number;
  message?: string;
  /** How many of the next calls fail (default 1; Infinity until `clearFaults`). */
  times?: number;
}

export interface EcsStandin {
  /** http://127.0.0.1:PORT, for `new ECSClient({ endpoint })` or AWS_ENDPOINT_URL_ECS. */
  endpoint: string;
  /** What ECS holds: arrange it, and change it between calls. */
  world: EcsStandinWorld;
  /** Every request, in order. */
  calls: EcsStandinCall[];
  failNext(operation: string, fault: EcsStandinFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** JSON with Dates as epoch seconds (fractions for milliseconds), as the protocol sends timestamps. */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, encoded) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : encoded;
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = toWireJson(body);
  res.writeHead(status, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": crypto.randomUUID(),
  });
  res.end(text);
}

const sendError = (res: ServerResponse, error: EcsApiError) =>
  send(res, error.status, { __type: error.type, message: error.message });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseRequest(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new EcsApiError("SerializationException", "The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new EcsApiError("SerializationException", "The request body must be a JSON object.");
  return parsed as Record<string, unknown>;
}

function checkEnvelope(req: IncomingMessage): void {
  const auth = req.headers.authorization ?? "";
  if (!auth.startsWith("AWS4-HMAC-SHA256 ") || !auth.includes("/ecs/aws4_request"))
    throw new EcsApiError("MissingAuthenticationTokenException", "Missing Authentication Token", 403);
  if (req.method !== "POST" || (req.url ?? "/").split("?")[0] !== "/")
    throw new EcsApiError("UnknownOperationException", "Only POST / is served.");
  if (!(req.headers["content-type"] ?? "").startsWith(CONTENT_TYPE))
    throw new EcsApiError("SerializationException", `Content-Type must be ${CONTENT_TYPE}.`);
}

export async function startEcsStandin(world: EcsStandinWorld = emptyWorld()): Promise<EcsStandin> {
  const calls: EcsStandinCall[] = [];
  const faults = new Map<string, Required<Omit<EcsStandinFault, "message">> & { message: string }>();

  function takeFault(operation: string): EcsApiError | undefined {
    const fault = faults.get(operation);
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) faults.delete(operation);
    return new EcsApiError(fault.type, fault.message, fault.status);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    let request: Record<string, unknown> = {};
    const call: EcsStandinCall = { operation, request };
    calls.push(call);
    try {
      checkEnvelope(req);
      request = parseRequest(text);
      call.request = request;
      const respond = target.startsWith(TARGET_PREFIX) ? OPERATIONS[operation] : undefined;
      if (!respond) throw new EcsApiError("UnknownOperationException", `Unknown operation ${target}.`);
      const fault = takeFault(operation);
      if (fault) throw fault;
      send(res, 200, respond(standin.world, request));
    } catch (error) {
      const apiError =
        error instanceof EcsApiError
          ? error
          : new EcsApiError("ServerException", `stand-in defect: ${String(error)}`, 500);
      call.error = apiError.type;
      sendError(res, apiError);
    }
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(req, res));
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const standin: EcsStandin = {
    endpoint: `http://127.0.0.1:${port}`,
    world,
    calls,
    failNext: (operation, fault) => {
      faults.set(operation, {
        type: fault.type,
        status: fault.status ?? (fault.type === "ServerException" ? 500 : 400),
        message: fault.message ?? `${fault.type} (injected by the stand-in)`,
        times: fault.times ?? 1,
      });
    },
    clearFaults: () => faults.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return standin;
}
