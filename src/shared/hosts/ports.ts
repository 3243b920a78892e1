/**
 * The ports of host (container instance) alerts: which tasks run on a host, and what ecs-sentinel remembers of a
 * host that went bad, so a task that stops on it soon after can say so.
 */

/** A task on the host, as DescribeTasks names it. */
export interface HostTask {
  taskArn: string;
  /** `service:<name>` for service tasks, `family:<name>` for others. */
  group?: string;
  taskDefinitionArn?: string;
  lastStatus?: string;
}

/** The tasks on one container instance of a cluster (ListTasks + DescribeTasks); throws when they cannot be read. */
export type HostTasksLister = (clusterArn: string, containerInstanceArn: string) => Promise<HostTask[]>;

/** A host recorded as impaired or disconnected: what a stop on it within the window is told. */
export interface HostImpairment {
  containerInstanceArn: string;
  ec2InstanceId?: string;
  /** "IMPAIRED", "agent disconnected"… as the host alert said it. */
  status: string;
  /** ISO time the host went bad. */
  since: string;
  /** The failing checks, e.g. "AGENT_CONNECTIVITY — Agent disconnected since …". */
  problems: string[];
  /** The managed daemon (task definition family) whose failed task made ECS drain the host, when one did. */
  daemon?: string;
}

/** Writes, clears and reads host impairments (the state table; TTL about a day). */
export interface HostStatusStore {
  remember: (impairment: HostImpairment) => Promise<void>;
  forget: (containerInstanceArn: string) => Promise<void>;
  recall: (containerInstanceArn: string) => Promise<HostImpairment | undefined>;
}

/** Reads a host's impairment for a stopped task; never throws (absent when unknown or unreadable). */
export type HostStatusLookup = (containerInstanceArn: string) => Promise<HostImpairment | undefined>;
