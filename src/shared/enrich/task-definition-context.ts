/** What a task definition adds to a diagnosis: memory limits and which containers are essential. Pure. */
import type { DiagnosisContext } from "../diagnosis/types.js";

/** The fields we read, shaped like DescribeTaskDefinition's `taskDefinition` (SDK or JSON). */
export interface TaskDefinitionLike {
  memory?: string;
  containerDefinitions?: Array<{
    name?: string;
    memory?: number;
    memoryReservation?: number;
    essential?: boolean;
  }>;
}

export function contextFromTaskDefinition(definition: TaskDefinitionLike): DiagnosisContext {
  const containers = definition.containerDefinitions ?? [];
  const taskMemory = definition.memory ? Number(definition.memory) : undefined;
  // fromEntries defines own keys: a container named "__proto__" is a limit, not the record's prototype.
  const containerMemoryLimits: Record<string, number> = Object.fromEntries(
    containers.flatMap((container) => {
      // A container without its own hard limit can use up to the task's memory.
      const limit = container.memory ?? taskMemory;
      return container.name && limit !== undefined && Number.isFinite(limit) ? [[container.name, limit]] : [];
    }),
  );
  const essentialContainers = containers
    .filter((c) => c.name && c.essential !== false)
    .map((c) => c.name as string);
  return { containerMemoryLimits, essentialContainers };
}
