/** Types of infra/deployment-hook.cjs, for the TypeScript tests that call its pure builders. */
import type { IamStatement, StackParams } from "./stack-config.cjs";

/** The deploymentHook function's own role: read only, in the watched clusters. */
export declare function deploymentHookStatements(params: StackParams): IamStatement[];

/** HOOK_FAIL_CLOSED: "true" or "false". */
export declare function hookFailClosedValue(params: StackParams): "true" | "false";
