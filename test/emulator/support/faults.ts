/**
 * Fault injection for AWS SDK v3 clients, as middleware: a matching request is answered with an error response
 * shaped like the service's own wire protocol instead of reaching the emulator. The middleware sits inside the
 * SDK's retry loop and under its deserialiser, so the SDK's real error classes, error classification and retry
 * strategy (backoff, throttling delays, retry quota) handle the fault exactly as they would a real AWS answer.
 */

/** An HTTP error answer as the service sends it. */
export interface WireError {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** DynamoDB (awsJson1_0): `__type` names the error; throttling answers are HTTP 400, server faults 500. */
export function dynamoDbError(
  type: "ProvisionedThroughputExceededException" | "ThrottlingException" | "InternalServerError",
  message = "injected by the fault test",
): WireError {
  const namespace =
    type === "ThrottlingException" ? "com.amazon.coral.availability" : "com.amazonaws.dynamodb.v20120810";
  return {
    statusCode: type === "InternalServerError" ? 500 : 400,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "fault-injection" },
    body: JSON.stringify({ __type: `${namespace}#${type}`, message }),
  };
}

/**
 * SNS (awsQuery): an XML ErrorResponse. The SNS API reference gives Publish's throttling error as
 * ThrottledException (code `Throttled`, HTTP 429) and its server fault as InternalErrorException (code
 * `InternalError`, HTTP 500).
 */
export function snsError(
  code: "Throttled" | "InternalError",
  message = "injected by the fault test",
): WireError {
  const statusCode = code === "Throttled" ? 429 : 500;
  const type = statusCode >= 500 ? "Receiver" : "Sender";
  return {
    statusCode,
    headers: { "content-type": "text/xml", "x-amzn-requestid": "fault-injection" },
    body:
      `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type>` +
      `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-injection</RequestId></ErrorResponse>`,
  };
}

export interface FaultRule {
  /** The SDK command that fails, e.g. `UpdateItemCommand`; any command when absent. */
  command?: string;
  /** Narrows the failing calls by their input (e.g. only the de-duplication claim). */
  when?: (input: Record<string, unknown>) => boolean;
  /** How many matching attempts fail (SDK retries count); later ones reach the emulator. */
  times: number;
  error: WireError;
}

export interface InjectedCall {
  command: string;
  /** The request as marshalled for the wire (e.g. DynamoDB's `{ pk: { S: ... } }`). */
  input: Record<string, unknown>;
}

export interface FaultInjection {
  /** Attempts answered with the fault. */
  readonly injected: number;
  /** Those attempts, in order. */
  readonly calls: readonly InjectedCall[];
  /** Matching attempts seen, injected or passed through. */
  readonly matched: number;
  /** Takes the middleware off the client; later calls reach the emulator. */
  remove(): void;
}

/** The little of a client's middleware stack used here; every SDK v3 client has it. */
export interface MiddlewareHost {
  middlewareStack: { remove(name: string): boolean };
}

type Handler = (args: { input: Record<string, unknown> }) => Promise<unknown>;
type Middleware = (next: Handler, context: { commandName?: string }) => Handler;
type Placement = { step: "deserialize" | "finalizeRequest"; priority: "low"; name: string };

// The SDK's generic stack types differ per client; the shape used is the same for all of them.
function addMiddleware(host: MiddlewareHost, middleware: Middleware, placement: Placement): void {
  (host.middlewareStack as unknown as { add(m: Middleware, o: Placement): void }).add(middleware, placement);
}

let injections = 0;

export function injectFaults(host: MiddlewareHost, rule: FaultRule): FaultInjection {
  const name = `faultInjection${++injections}`;
  const state = { matched: 0 };
  const calls: InjectedCall[] = [];
  const body = new TextEncoder().encode(rule.error.body);
  // Low priority in the deserialize step: below the deserialiser (which parses this answer) and the retry loop.
  addMiddleware(
    host,
    (next, context) => async (args) => {
      const matches =
        (rule.command === undefined || context.commandName === rule.command) &&
        (rule.when === undefined || rule.when(args.input));
      if (!matches) return next(args);
      state.matched++;
      if (calls.length >= rule.times) return next(args);
      calls.push({ command: context.commandName ?? "unknown", input: args.input });
      return {
        response: { statusCode: rule.error.statusCode, headers: { ...rule.error.headers }, body },
      };
    },
    { step: "deserialize", priority: "low", name },
  );
  return {
    get injected() {
      return calls.length;
    },
    calls,
    get matched() {
      return state.matched;
    },
    remove: () => {
      host.middlewareStack.remove(name);
    },
  };
}

/**
 * Sends one request at a time through this client. Real DynamoDB applies each write to an item atomically;
 * moto's threaded server does not (its update_item reads, checks the condition and writes with no lock), so
 * concurrent conditional claims can both win there. Serialising requests restores DynamoDB's per-request
 * atomicity while the interleaving of whole invocations stays concurrent (same technique as
 * test/state/support/state-table.ts). It sits inside the retry loop, so a backoff does not hold the queue.
 */
export function oneRequestAtATime(host: MiddlewareHost): void {
  let queue: Promise<unknown> = Promise.resolve();
  addMiddleware(
    host,
    (next) => (args) => {
      const result = queue.then(() => next(args));
      queue = result.catch(() => undefined);
      return result;
    },
    { step: "finalizeRequest", priority: "low", name: "faultsOneRequestAtATime" },
  );
}
