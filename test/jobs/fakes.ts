/** In-memory stand-ins for the jobs ports, recording every call. */
import type { EcsJobsPort, JobRunStore, RunTaskOutcome, WatchState } from "../../src/shared/jobs/ports.js";
import type { AwsVpcNetwork, RunningJobTask, RunTaskRequest } from "../../src/shared/jobs/run-planning.js";
import type { JobRun } from "../../src/shared/jobs/run-record.js";

export class FakeEcs implements EcsJobsPort {
  running: RunningJobTask[] = [];
  /** Answers RunTask in order; the last one repeats. An Error is thrown. */
  runTaskAnswers: (RunTaskOutcome | Error)[] = [
    { taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/new", failures: [] },
  ];
  serviceNetworks: Record<string, AwsVpcNetwork> = {};
  missingTaskDefinition = false;
  /** Thrown by the next task definition reads (DescribeTaskDefinition), one each, before they answer again. */
  taskDefinitionErrors: Error[] = [];
  /** Thrown by the next service network reads (DescribeServices), one each, before they answer again. */
  serviceNetworkErrors: Error[] = [];
  readonly runTaskCalls: RunTaskRequest[] = [];
  readonly stopCalls: { cluster: string; taskArn: string; reason: string }[] = [];
  readonly listCalls: { cluster: string; startedBy: string }[] = [];

  async resolveTaskDefinition(reference: string) {
    const readError = this.taskDefinitionErrors.shift();
    if (readError) throw readError;
    if (this.missingTaskDefinition) {
      throw Object.assign(new Error("Unable to describe task definition."), { name: "ClientException" });
    }
    return {
      arn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${reference}:7`,
      essentialContainers: ["app"],
    };
  }

  async serviceNetwork(cluster: string, service: string) {
    const readError = this.serviceNetworkErrors.shift();
    if (readError) throw readError;
    const network = this.serviceNetworks[service];
    if (!network) throw new Error(`service ${service} in cluster ${cluster}: MISSING`);
    return network;
  }

  async listJobTasks(cluster: string, startedBy: string) {
    this.listCalls.push({ cluster, startedBy });
    return this.running;
  }

  async runTask(request: RunTaskRequest) {
    this.runTaskCalls.push(request);
    const answer =
      this.runTaskAnswers[Math.min(this.runTaskCalls.length - 1, this.runTaskAnswers.length - 1)];
    if (answer instanceof Error) throw answer;
    return answer ?? { failures: [] };
  }

  async stopTask(cluster: string, taskArn: string, reason: string) {
    this.stopCalls.push({ cluster, taskArn, reason });
  }
}

export class MemoryRunStore implements JobRunStore {
  readonly runs = new Map<string, JobRun>();
  readonly pointers = new Map<string, string>();
  readonly watch = new Map<string, WatchState>();
  /** Claimed executions, as `job|executionId`. */
  readonly executions = new Set<string>();

  private key(run: JobRun) {
    return `${run.job}|${run.startedAt}|${run.runId}`;
  }

  async saveRun(run: JobRun) {
    this.runs.set(this.key(run), run);
    if (run.taskArn) this.pointers.set(run.taskArn, this.key(run));
  }

  async closeRun(run: JobRun) {
    if (this.runs.get(this.key(run))?.status !== "running") return false;
    this.runs.set(this.key(run), run);
    return true;
  }

  async findRunByTask(taskArn: string) {
    const key = this.pointers.get(taskArn);
    return key ? this.runs.get(key) : undefined;
  }

  async recentRuns(job: string, limit: number) {
    return [...this.runs.values()]
      .filter((run) => run.job === job)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, limit);
  }

  async claimExecution(job: string, executionId: string) {
    const claim = `${job}|${executionId}`;
    if (this.executions.has(claim)) return false;
    this.executions.add(claim);
    return true;
  }

  async getWatchState(job: string) {
    return this.watch.get(job);
  }

  async saveWatchState(state: WatchState) {
    this.watch.set(state.job, state);
  }
}
