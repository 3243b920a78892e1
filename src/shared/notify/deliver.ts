/**
 * Fan-out to the channels of one message: each is delivered independently, so one failing channel does
 * not stop the others. Channels an earlier attempt already delivered are skipped, and each success is
 * reported at once (`onDelivered`) so it can be recorded before anything else can go wrong.
 * If a channel still fails, DeliveryError names it, so Lambda's retry and the dead-letter queue keep
 * the event while the retry posts only to the failed channel.
 */

import type { ChannelName } from "./port.js";
import { type ChannelFailure, DeliveryError } from "./transports/errors.js";
import { type LoggerPort, silentLogger } from "./transports/ports.js";

export interface ChannelDelivery {
  channel: ChannelName;
  send: () => Promise<void>;
}

export type ChannelResult =
  | { status: "sent" }
  | { status: "skipped"; reason: "duplicate" }
  | { status: "failed"; error: Error };

export interface DeliverOptions {
  /** Channels a previous attempt delivered: not posted again. */
  alreadyDelivered?: readonly string[];
  /** Persists a success; its own failure is logged, not fatal (the message is out already). */
  onDelivered?: (channel: ChannelName) => Promise<void>;
  logger?: LoggerPort;
}

export interface DeliveryReport {
  results: Partial<Record<ChannelName, ChannelResult>>;
  /** Channels delivered by this call. */
  delivered: ChannelName[];
}

const asError = (reason: unknown) => (reason instanceof Error ? reason : new Error(String(reason)));

/** Delivers to every channel; throws DeliveryError (with the report as `outcome`) if any failed. */
export async function deliver(
  deliveries: ChannelDelivery[],
  options: DeliverOptions = {},
): Promise<DeliveryReport> {
  const logger = options.logger ?? silentLogger;
  const already = new Set(options.alreadyDelivered ?? []);
  const report: DeliveryReport = { results: {}, delivered: [] };
  const pending = deliveries.filter((d) => {
    if (!already.has(d.channel)) return true;
    report.results[d.channel] = { status: "skipped", reason: "duplicate" };
    return false;
  });

  const settled = await Promise.allSettled(
    pending.map(async ({ channel, send }) => {
      await send();
      report.delivered.push(channel);
      if (!options.onDelivered) return;
      try {
        await options.onDelivered(channel);
      } catch (error) {
        logger.error("Delivered but could not record it; a retry may repeat this channel", {
          channel,
          error: asError(error).message,
        });
      }
    }),
  );

  const failures: ChannelFailure[] = [];
  settled.forEach((result, index) => {
    const channel = pending[index]?.channel;
    if (!channel) return;
    if (result.status === "fulfilled") report.results[channel] = { status: "sent" };
    else {
      const error = asError(result.reason);
      report.results[channel] = { status: "failed", error };
      failures.push({ channel, error });
      logger.error("Channel delivery failed", { channel, error: `${error.name}: ${error.message}` });
    }
  });
  if (failures.length > 0) throw new DeliveryError(failures, report);
  return report;
}
