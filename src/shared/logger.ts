/** The Lambda logger (Powertools): JSON lines with the function's context; created once per container. */
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogAttributes } from "@aws-lambda-powertools/logger/types";
import type { Log } from "./log.js";

export const logger = new Logger({ serviceName: "ecs-sentinel" });

/** The logger behind the Log port (extra fields are plain objects). */
export const lambdaLog: Log = {
  debug: (message, ...extra) => logger.debug(message, ...(extra as LogAttributes[])),
  info: (message, ...extra) => logger.info(message, ...(extra as LogAttributes[])),
  warn: (message, ...extra) => logger.warn(message, ...(extra as LogAttributes[])),
  error: (message, ...extra) => logger.error(message, ...(extra as LogAttributes[])),
};

export { eventLogKeys } from "./log-keys.js";
