/** Types of infra/hub-params.cjs, for the TypeScript tests. */
import type { StackParams } from "./stack-config.cjs";

export declare const DEFAULT_MEMBER_ROLE_NAME: string;
export declare const ORGANIZATION_ID: RegExp;
/** ALLOWED_ACCOUNTS when the organization's bus policy decides who may send. */
export declare const WHOLE_ORGANIZATION: string;
/** ALLOWED_ACCOUNTS: "" (the hub's own account only), "organization", or the member account ids. */
export declare function allowedAccounts(params: StackParams): string;
