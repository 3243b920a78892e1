/**
 * GPU tasks that could not be placed. ECS reserves whole GPUs per container (resourceRequirements type GPU) and
 * only counts the GPUs an agent registered with ECS_ENABLE_GPU_SUPPORT=true (the ECS GPU-optimized AMI sets it);
 * placement then fails with RESOURCE:GPU. Sources: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-gpu.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html (RESOURCE:*), and
 * aws/amazon-ecs-agent#3852 ("ECS does not allow the task placement Reasons : [\"RESOURCE:GPU\"]"). External (ECS
 * Anywhere) instances run GPU tasks through nvidia-container-runtime: aws/amazon-ecs-agent#3040.
 * On ECS Managed Instances the GPUs come from the capacity provider's instanceRequirements (accelerator count,
 * manufacturer, types): https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ecs.ManagedInstancesCapacityProviderProps.html
 */
import { DOCS } from "../docs.js";
import { hostKindOf } from "./platform-kind.js";
import type { RenderContext, Rule } from "./rule.js";

export const GPU_DOCS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-gpu.html";

function gpuPlacementSteps(c: RenderContext): string[] {
  if (hostKindOf(c.launchType) === "managed-instances") {
    return [
      "Ask the capacity provider for GPU instances: instanceRequirements with acceleratorTypes [gpu], acceleratorManufacturers [nvidia] and acceleratorCount at least the task's GPUs (or allowedInstanceTypes g5/g6/p4d...).",
      "Check the Region and subnets offer those instance types, and your EC2 vCPU quota for G and P instances.",
    ];
  }
  if (hostKindOf(c.launchType) === "external") {
    return [
      "Install the NVIDIA driver and nvidia-container-runtime on the external instance, and turn GPU support on (ECS_ENABLE_GPU_SUPPORT=true in /etc/ecs/ecs.config) before the agent registers it.",
      "Each GPU goes to one container: lower the task's GPU count or add GPU hosts.",
    ];
  }
  return [
    "Run the capacity on a GPU instance type with at least as many GPUs as the task asks for, from the ECS GPU-optimized AMI (it sets ECS_ENABLE_GPU_SUPPORT=true; the agent registers no GPU without it).",
    "Each GPU is reserved for one container: GPUs already given to running tasks are not available; add instances (or managed scaling) or lower the task's GPU count.",
    "Check the instances' registered resources (aws ecs describe-container-instances: remainingResources GPU).",
  ];
}

export const gpuPlacementRule: Rule = {
  category: "placement",
  subCause: "gpu-unavailable",
  taskLevel: true,
  when: /resource:gpu\b/,
  title: (c) => `GPU task of ${c.subject} could not be placed`,
  summary: () =>
    "No container instance had enough free GPUs for the task (RESOURCE:GPU): the task asks for GPUs that no registered instance can give it.",
  remediation: gpuPlacementSteps,
  docs: [GPU_DOCS, DOCS.apiFailureReasons],
};
