/**
 * The rollback guard-rail store (claim, claim check, cooldown) in memory, with the semantics of dynamoRollbackStore:
 * the first claim per deployment wins, and an older rollback recorded late never hides a newer one.
 * For the CLI without a table and for unit tests; state lives as long as the process.
 */
import type { RollbackStore } from "./rollback-store.js";

export interface MemoryRollbackStore extends RollbackStore {
  isClaimed(deploymentId: string): boolean;
  /** Claims granted, by deployment id: tests assert "exactly one". */
  readonly claims: ReadonlyMap<string, string>;
}

export function memoryRollbackStore(): MemoryRollbackStore {
  const claims = new Map<string, string>();
  const lastRollback = new Map<string, Date>();
  return {
    claims,
    isClaimed: (deploymentId) => claims.has(deploymentId),
    async claimRollback(deploymentId, serviceArn) {
      if (claims.has(deploymentId)) return false;
      claims.set(deploymentId, serviceArn);
      return true;
    },
    async rollbackClaimed(deploymentId) {
      return claims.has(deploymentId);
    },
    async lastRollbackAt(serviceArn) {
      return lastRollback.get(serviceArn);
    },
    async recordRollback(serviceArn, at) {
      const previous = lastRollback.get(serviceArn);
      if (!previous || previous < at) lastRollback.set(serviceArn, at);
    },
  };
}
