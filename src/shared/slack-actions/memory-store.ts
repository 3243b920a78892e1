/** The action store in memory (CLI, unit tests); copies in and out like the table. */
import {
  type ActionStore,
  actionCluster,
  type ClaimRecord,
  claimIdOf,
  type MuteRecord,
  type OfferRecord,
} from "./store.js";

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function memoryActionStore(): ActionStore {
  const offers = new Map<string, OfferRecord>();
  const claims = new Map<string, ClaimRecord>();
  const mutes = new Map<string, MuteRecord>();
  return {
    async recordOffer(offer) {
      offers.set(`${offer.channel}#${offer.ts}`, copy(offer));
    },
    async offer(channel, ts) {
      const found = offers.get(`${channel}#${ts}`);
      return found ? copy(found) : undefined;
    },
    async claim(request) {
      const claimId = claimIdOf(request.channel, request.ts, request.kind, request.offerAt);
      const existing = claims.get(claimId);
      if (existing) return { status: "taken", claim: copy(existing) };
      const claim: ClaimRecord = { ...copy(request), claimId, status: "claimed" };
      claims.set(claimId, claim);
      return { status: "claimed", claim: copy(claim) };
    },
    async claimById(claimId) {
      const found = claims.get(claimId);
      return found ? copy(found) : undefined;
    },
    async finish(claimId, status, result, at) {
      const found = claims.get(claimId);
      if (found && found.status === "claimed") Object.assign(found, { status, result, finishedAt: at });
    },
    async mute(serviceArn, mute) {
      mutes.set(serviceArn, copy(mute));
    },
    async unmute(serviceArn) {
      mutes.delete(serviceArn);
    },
    async mutedUntil(serviceArn) {
      const found = mutes.get(serviceArn);
      return found ? copy(found) : undefined;
    },
    async recentActions(cluster, since) {
      return [...claims.values()]
        .filter((c) => c.status !== "claimed" && (c.finishedAt ?? 0) >= since && actionCluster(c) === cluster)
        .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0))
        .map(copy);
    },
  };
}
