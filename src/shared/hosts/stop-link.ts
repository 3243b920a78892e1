/**
 * Links a stopped task to the host it ran on: a task that stopped on a container instance ecs-sentinel saw
 * IMPAIRED or disconnected within the window says so in its evidence, and — when the diagnosis could not name a
 * cause of its own, or it is a host-ish one — gets the host's remediation. Costs at most one read per container
 * instance a minute (cached in memory); a failed read is treated as "nothing known".
 */
import type { Diagnosis } from "../diagnosis/types.js";
import { arnName } from "../events/arns.js";
import type { HostImpairment, HostStatusLookup } from "./ports.js";

/** How long a host's impairment explains the stops on it. */
export const HOST_IMPAIRMENT_WINDOW_MS = 24 * 60 * 60 * 1000;
const CACHE_MS = 60_000;

const HOST_ISH = new Set(["unknown", "platform", "start-failure", "user-stopped"]);

/** One evidence line: "The host i-… (container instance …) was IMPAIRED since …: AGENT_CONNECTIVITY — …". */
export function hostEvidence(impairment: HostImpairment): string {
  const instance = arnName(impairment.containerInstanceArn) ?? impairment.containerInstanceArn;
  const host = impairment.ec2InstanceId ?? instance;
  const problems = impairment.problems.length > 0 ? `: ${impairment.problems.join("; ")}` : "";
  return `The host ${host} (container instance ${instance}) was ${impairment.status} since ${impairment.since}${problems}`;
}

/** A drain of the host because its managed daemon failed: the stopped task names the daemon and where to look. */
function withDaemonCause(diagnosis: Diagnosis, impairment: HostImpairment, daemon: string): Diagnosis {
  const host = impairment.ec2InstanceId ?? arnName(impairment.containerInstanceArn) ?? "the host";
  return {
    ...diagnosis,
    title: `${diagnosis.title} after its daemon ${daemon} failed`,
    summary: `The managed daemon ${daemon} failed on ${host}, so ECS drained the instance and stopped this task with it.`,
    evidence: [...diagnosis.evidence, hostEvidence(impairment)],
    remediation: [
      `ECS drained ${host} because the managed daemon ${daemon} stopped there: fix the daemon first (its own alert has the cause); the service places its tasks on other instances meanwhile.`,
      ...diagnosis.remediation,
    ],
  };
}

/** The diagnosis with the host's impairment as evidence (and remediation when the cause is unknown or host-ish). */
export function withHostEvidence(diagnosis: Diagnosis, impairment: HostImpairment): Diagnosis {
  if (impairment.daemon && HOST_ISH.has(diagnosis.category))
    return withDaemonCause(diagnosis, impairment, impairment.daemon);
  const host = impairment.ec2InstanceId ?? arnName(impairment.containerInstanceArn) ?? "the host";
  const remediation = HOST_ISH.has(diagnosis.category)
    ? [
        `The task likely stopped because its host ${host} was ${impairment.status}: check the host (agent, container runtime, daemons), drain it and let the service place the task elsewhere.`,
        ...diagnosis.remediation,
      ]
    : diagnosis.remediation;
  return { ...diagnosis, evidence: [...diagnosis.evidence, hostEvidence(impairment)], remediation };
}

/** A host lookup that can also be told of an impairment this container just recorded (no read needed). */
export interface CachedHostLookup {
  (containerInstanceArn: string, stoppedAt?: number): Promise<HostImpairment | undefined>;
  note: (impairment: HostImpairment) => void;
}

/**
 * A lookup over `recall` that reads each container instance at most once a minute, keeps only impairments
 * younger than the window at `stoppedAt`, and never throws. `note` puts an impairment this container recorded
 * into the cache, so a stop right after it is linked even when an earlier read found nothing.
 */
export function cachedHostLookup(recall: HostStatusLookup, clock: () => number = Date.now): CachedHostLookup {
  const cache = new Map<string, { at: number; value: Promise<HostImpairment | undefined> }>();
  const lookup = async (containerInstanceArn: string, stoppedAt?: number) => {
    const now = clock();
    let entry = cache.get(containerInstanceArn);
    if (!entry || now - entry.at > CACHE_MS) {
      entry = { at: now, value: recall(containerInstanceArn).catch(() => undefined) };
      cache.set(containerInstanceArn, entry);
    }
    const impairment = await entry.value;
    if (!impairment) return undefined;
    const since = Date.parse(impairment.since);
    const at = stoppedAt ?? now;
    if (Number.isFinite(since) && (at < since - CACHE_MS || at - since > HOST_IMPAIRMENT_WINDOW_MS))
      return undefined;
    return impairment;
  };
  const note = (impairment: HostImpairment) => {
    cache.set(impairment.containerInstanceArn, { at: clock(), value: Promise.resolve(impairment) });
  };
  return Object.assign(lookup, { note });
}
