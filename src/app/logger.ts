/** The Lambda logger (Powertools): JSON lines with the function's context; created once per container. */
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogAttributes } from "@aws-lambda-powertools/logger/types";
import type { Context } from "aws-lambda";
import type { Log } from "../shared/log.js";

export const logger = new Logger({ serviceName: "ecs-sentinel" });

/** The logger behind the Log port (extra fields are plain objects). */
export const lambdaLog: Log = {
  debug: (message, ...extra) => logger.debug(message, ...(extra as LogAttributes[])),
  info: (message, ...extra) => logger.info(message, ...(extra as LogAttributes[])),
  warn: (message, ...extra) => logger.warn(message, ...(extra as LogAttributes[])),
  error: (message, ...extra) => logger.error(message, ...(extra as LogAttributes[])),
};

export { eventLogKeys } from "../shared/log-keys.js";

/**
 * The one log-context wrapper of every handler: the Lambda context and the keys found in the event are on
 * every line of the invocation, and reset afterwards (also when the handler throws), so no key leaks into the
 * next invocation of a warm container.
 */
export function withLogContext<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  keysOf: (event: E) => Record<string, string> = () => ({}),
  log: Logger = logger,
): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    log.addContext(context);
    log.appendKeys(keysOf(event));
    try {
      return await handler(event, context);
    } finally {
      log.resetKeys();
    }
  };
}
