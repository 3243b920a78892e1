/** Types of infra/stack-params.cjs, for the TypeScript tests. */
export declare function editDistance(a: string, b: string): number;
export declare function closestName(name: string, known: readonly string[]): string | undefined;
export declare function loudWarnings(params: import("./stack-config.cjs").StackParams): string[];
export declare const PARAMETER_NAMES: readonly string[];
