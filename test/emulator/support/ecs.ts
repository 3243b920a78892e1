/**
 * ECS set-ups that moto 5.1.1 accepts: container-level memory (task-level memory alone crashes RunTask),
 * FARGATE + awsvpc on a real subnet and security group (see ec2.ts).
 */
import {
  type ContainerDefinition,
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  RunTaskCommand,
  type RunTaskCommandInput,
  type Task,
} from "@aws-sdk/client-ecs";
import { ecsClient } from "../../../src/app/aws.js";
import { createNetwork, type EmulatorNetwork } from "./ec2.js";
import { emulatorEndpoint } from "./endpoint.js";
import { FROZEN_ECS_TASK_TRANSITION, STEPPING_ECS_TASK_TRANSITION, setTransition } from "./moto-api.js";

export class EmulatorSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmulatorSetupError";
  }
}

export async function createCluster(clusterName = "test-cluster"): Promise<string> {
  const { cluster } = await ecsClient().send(new CreateClusterCommand({ clusterName }));
  if (cluster?.clusterArn === undefined)
    throw new EmulatorSetupError(`CreateCluster ${clusterName} returned no ARN`);
  return cluster.clusterArn;
}

export interface TaskDefinitionOptions {
  family?: string;
  image?: string;
  containerName?: string;
  /** Extra container settings (essential, environment, secrets, logConfiguration, ...). */
  container?: Partial<ContainerDefinition>;
  /** Extra task definition settings; containerDefinitions here replace the default one. */
  taskDefinition?: Partial<RegisterTaskDefinitionCommandInput>;
}

/** Registers a Fargate-compatible, awsvpc task definition and returns its ARN. */
export async function registerTaskDefinition(options: TaskDefinitionOptions = {}): Promise<string> {
  const containerName = options.containerName ?? "app";
  const input: RegisterTaskDefinitionCommandInput = {
    family: options.family ?? "test-job",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "256",
    memory: "512",
    containerDefinitions: [
      {
        name: containerName,
        image: options.image ?? "public.ecr.aws/docker/library/busybox:latest",
        essential: true,
        memory: 512,
        ...options.container,
      },
    ],
    ...options.taskDefinition,
  };
  const { taskDefinition } = await ecsClient().send(new RegisterTaskDefinitionCommand(input));
  const arn = taskDefinition?.taskDefinitionArn;
  if (arn === undefined)
    throw new EmulatorSetupError(`RegisterTaskDefinition ${input.family} returned no ARN`);
  return arn;
}

export interface RunTaskOptions {
  cluster: string;
  taskDefinition: string;
  /** Created with createNetwork() when not given. */
  network?: EmulatorNetwork;
  /** Extra RunTask input (overrides, startedBy, tags, count, ...). */
  input?: Partial<RunTaskCommandInput>;
}

/** Runs tasks on FARGATE in a real moto subnet; returns the tasks RunTask reported. */
export async function runTask(options: RunTaskOptions): Promise<Task[]> {
  const network = options.network ?? (await createNetwork());
  const { tasks = [], failures = [] } = await ecsClient().send(
    new RunTaskCommand({
      cluster: options.cluster,
      taskDefinition: options.taskDefinition,
      launchType: "FARGATE",
      networkConfiguration: {
        awsvpcConfiguration: { subnets: [network.subnetId], securityGroups: [network.securityGroupId] },
      },
      ...options.input,
    }),
  );
  if (tasks.length === 0) {
    throw new EmulatorSetupError(`RunTask started no task: ${JSON.stringify(failures)}`);
  }
  return tasks;
}

export async function describeTask(cluster: string, taskArn: string): Promise<Task> {
  const { tasks = [] } = await ecsClient().send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
  const [task] = tasks;
  if (task === undefined) throw new EmulatorSetupError(`DescribeTasks found no task ${taskArn}`);
  return task;
}

/**
 * Moves a task one status on (RUNNING -> DEACTIVATING -> STOPPING -> DEPROVISIONING -> STOPPED) while
 * transitions are frozen by the setup file, and returns it as described after the step.
 */
export async function advanceTask(cluster: string, taskArn: string): Promise<Task> {
  const endpoint = emulatorEndpoint();
  await setTransition(endpoint, "ecs::task", STEPPING_ECS_TASK_TRANSITION);
  try {
    return await describeTask(cluster, taskArn);
  } finally {
    await setTransition(endpoint, "ecs::task", FROZEN_ECS_TASK_TRANSITION);
  }
}
