/** Types of infra/stack-inputs.cjs, for the TypeScript tests. */
import type { StackParams } from "./stack-config.cjs";

export interface StackInput {
  options?: Record<string, unknown>;
  resolveConfigurationProperty?: (path: string[]) => Promise<unknown>;
}

export interface LoadedJobsFile {
  fileName: string;
  text: string;
  jobs: Array<{ name: string; cluster: string; taskDefinition: string }>;
}

export declare function readStack(
  input?: StackInput,
  cwd?: string,
): Promise<{ params: StackParams; jobsFile: LoadedJobsFile | null }>;
export declare function cliParams(options: Record<string, unknown>): {
  values: Record<string, string>;
  problems: string[];
};
/** The service name and stage osls deploys (what the stack's names are made of). */
export declare function stackNames(input?: StackInput): Promise<{ service: string; stage: string }>;
