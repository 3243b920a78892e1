/**
 * The ECS side of rollback: loads what the policy needs (DescribeServices with tags, the service-deployment
 * history with each revision's task definition) and carries a decision out (StopServiceDeployment ROLLBACK
 * while a service deployment runs, otherwise UpdateService to the last good task definition). Every API call
 * is counted, so a handler can log and a test can assert how many calls a rollback costs.
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
  type ServiceDeploymentBrief,
  type ServiceDeploymentStatus,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { clusterArnFromServiceArn } from "../events/arns.js";
import { lastGoodTaskDefinition } from "./history.js";
import type {
  Decision,
  RevisionRef,
  RollbackOutcome,
  ServiceDeploymentRecord,
  ServiceDeploymentState,
  ServiceSnapshot,
} from "./types.js";

export class ServiceNotFoundError extends Error {
  override readonly name = "ServiceNotFoundError";
  constructor(
    readonly serviceArn: string,
    readonly detail?: string,
  ) {
    super(`service ${serviceArn} not found${detail ? `: ${detail}` : ""}`);
  }
}

export type EcsOperation =
  | "DescribeServices"
  | "ListServiceDeployments"
  | "DescribeServiceDeployments"
  | "DescribeServiceRevisions"
  | "StopServiceDeployment"
  | "UpdateService";

export interface RollbackInputs {
  service: ServiceSnapshot;
  history: ServiceDeploymentRecord[];
}

export interface EcsRollback {
  /** DescribeServices (include TAGS) + the newest `historyLimit` service deployments, revisions resolved. */
  loadRollbackInputs(serviceArn: string): Promise<RollbackInputs>;
  /** Task definition of the newest SUCCESSFUL service deployment not in `exclude`. */
  lastSuccessfulTaskDefinition(serviceArn: string, exclude?: readonly string[]): Promise<string | undefined>;
  /** Carries out a decision. Never acts on `action: "none"` or a dry run; reports API failures as `failed`. */
  executeRollback(decision: Decision): Promise<RollbackOutcome>;
  /** API calls made so far, by operation. */
  apiCalls(): Readonly<Partial<Record<EcsOperation, number>>>;
}

export interface EcsRollbackOptions {
  /** How many recent service deployments to load (one ListServiceDeployments page; default 10, max 100). */
  historyLimit?: number;
}

/** DescribeServiceDeployments and DescribeServiceRevisions take at most 20 ARNs per call. */
const MAX_ARNS = 20;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Errors by which ECS refuses to stop a deployment that is no longer running (not permission or outage). */
const STATE_REFUSALS = new Set([
  "ConflictException",
  "InvalidParameterException",
  "ServiceDeploymentNotFoundException",
  "ClientException",
]);

function isStateRefusal(error: unknown): boolean {
  return error instanceof Error && STATE_REFUSALS.has(error.name);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function ecsRollback(client: ECSClient, options: EcsRollbackOptions = {}): EcsRollback {
  const historyLimit = Math.min(Math.max(options.historyLimit ?? 10, 1), 100);
  const counts: Partial<Record<EcsOperation, number>> = {};
  const count = (op: EcsOperation) => {
    counts[op] = (counts[op] ?? 0) + 1;
  };

  async function describeService(serviceArn: string): Promise<ServiceSnapshot> {
    count("DescribeServices");
    const out = await client.send(
      new DescribeServicesCommand({
        cluster: clusterArnFromServiceArn(serviceArn),
        services: [serviceArn],
        include: ["TAGS"],
      }),
    );
    const service = out.services?.[0];
    if (!service?.serviceArn) {
      const failure = out.failures?.[0];
      throw new ServiceNotFoundError(serviceArn, failure?.reason);
    }
    const deployments: ServiceDeploymentState[] = (service.deployments ?? []).map((d) => ({
      id: d.id ?? "",
      status: d.status ?? "",
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
      taskDefinition: d.taskDefinition,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    }));
    return {
      arn: service.serviceArn,
      tags: service.tags ?? [],
      deploymentConfiguration: service.deploymentConfiguration,
      deployments,
    };
  }

  async function listDeployments(serviceArn: string, status?: ServiceDeploymentStatus[]) {
    count("ListServiceDeployments");
    const out = await client.send(
      new ListServiceDeploymentsCommand({
        cluster: clusterArnFromServiceArn(serviceArn),
        service: serviceArn,
        status,
        maxResults: historyLimit,
      }),
    );
    return out.serviceDeployments ?? [];
  }

  async function describeDeployments(arns: readonly string[]): Promise<Map<string, ServiceDeployment>> {
    const found = new Map<string, ServiceDeployment>();
    for (const batch of chunks(arns, MAX_ARNS)) {
      count("DescribeServiceDeployments");
      const out = await client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: batch }));
      for (const d of out.serviceDeployments ?? []) {
        if (d.serviceDeploymentArn) found.set(d.serviceDeploymentArn, d);
      }
    }
    return found;
  }

  async function revisionTaskDefinitions(arns: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const batch of chunks([...new Set(arns)], MAX_ARNS)) {
      count("DescribeServiceRevisions");
      const out = await client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: batch }));
      for (const r of out.serviceRevisions ?? []) {
        if (r.serviceRevisionArn && r.taskDefinition) found.set(r.serviceRevisionArn, r.taskDefinition);
      }
    }
    return found;
  }

  /** Briefs -> records: details from DescribeServiceDeployments, task definitions from DescribeServiceRevisions. */
  async function history(briefs: readonly ServiceDeploymentBrief[]): Promise<ServiceDeploymentRecord[]> {
    const arns = briefs.map((b) => b.serviceDeploymentArn).filter((a): a is string => !!a);
    if (arns.length === 0) return [];
    const details = await describeDeployments(arns);
    const revisionArns: string[] = [];
    for (const brief of briefs) {
      const detail = brief.serviceDeploymentArn ? details.get(brief.serviceDeploymentArn) : undefined;
      const target = detail?.targetServiceRevision?.arn ?? brief.targetServiceRevisionArn;
      if (target) revisionArns.push(target);
      for (const s of detail?.sourceServiceRevisions ?? []) if (s.arn) revisionArns.push(s.arn);
    }
    const taskDefinitions = revisionArns.length > 0 ? await revisionTaskDefinitions(revisionArns) : new Map();
    const ref = (arn: string | undefined): RevisionRef | undefined =>
      arn ? { arn, taskDefinition: taskDefinitions.get(arn) } : undefined;

    return briefs
      .filter((b) => b.serviceDeploymentArn)
      .map((brief) => {
        const arn = brief.serviceDeploymentArn as string;
        const detail = details.get(arn);
        return {
          serviceDeploymentArn: arn,
          status: detail?.status ?? brief.status ?? "",
          statusReason: detail?.statusReason ?? brief.statusReason,
          createdAt: detail?.createdAt ?? brief.createdAt,
          startedAt: detail?.startedAt ?? brief.startedAt,
          finishedAt: detail?.finishedAt ?? brief.finishedAt,
          updatedAt: detail?.updatedAt,
          targetServiceRevision: ref(detail?.targetServiceRevision?.arn ?? brief.targetServiceRevisionArn),
          sourceServiceRevisions: (detail?.sourceServiceRevisions ?? [])
            .map((s) => ref(s.arn))
            .filter((r): r is RevisionRef => r !== undefined),
          rollback: detail?.rollback,
        };
      });
  }

  async function updateService(serviceArn: string, taskDefinition: string): Promise<RollbackOutcome> {
    count("UpdateService");
    try {
      const out = await client.send(
        new UpdateServiceCommand({
          cluster: clusterArnFromServiceArn(serviceArn),
          service: serviceArn,
          taskDefinition,
        }),
      );
      const started = out.service?.deployments?.find((d) => d.status === "PRIMARY")?.id;
      return {
        status: "done",
        api: "UpdateService",
        taskDefinition,
        ...(started ? { deploymentId: started } : {}),
      };
    } catch (error) {
      return { status: "failed", api: "UpdateService", error: errorText(error) };
    }
  }

  return {
    async loadRollbackInputs(serviceArn) {
      const service = await describeService(serviceArn);
      const briefs = await listDeployments(serviceArn);
      return { service, history: await history(briefs) };
    },

    async lastSuccessfulTaskDefinition(serviceArn, exclude = []) {
      const briefs = await listDeployments(serviceArn, ["SUCCESSFUL"]);
      return lastGoodTaskDefinition(await history(briefs), new Set(exclude));
    },

    async executeRollback(decision) {
      if (decision.action !== "rollback" || !decision.target) {
        return { status: "skipped", why: `decision is ${decision.code}` };
      }
      if (decision.dryRun) return { status: "skipped", why: "dry run" };
      const { target, serviceArn } = decision;
      if (target.kind === "update-service") return updateService(serviceArn, target.taskDefinition);

      count("StopServiceDeployment");
      try {
        const out = await client.send(
          new StopServiceDeploymentCommand({
            serviceDeploymentArn: target.serviceDeploymentArn,
            stopType: "ROLLBACK",
          }),
        );
        return {
          status: "done",
          api: "StopServiceDeployment",
          serviceDeploymentArn: out.serviceDeploymentArn ?? target.serviceDeploymentArn,
          taskDefinition: target.taskDefinition,
        };
      } catch (error) {
        // The deployment may have finished between the decision and now, and ECS refuses to stop it:
        // going back to the revision it came from is the same rollback by other means.
        if (target.taskDefinition && isStateRefusal(error))
          return updateService(serviceArn, target.taskDefinition);
        return { status: "failed", api: "StopServiceDeployment", error: errorText(error) };
      }
    },

    apiCalls: () => ({ ...counts }),
  };
}
