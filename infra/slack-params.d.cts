/** Types of infra/slack-params.cjs, for the TypeScript tests. */
export declare const CHANNEL_ID: RegExp;
export declare const CHANNEL_ID_HINT: string;
export declare function channelIdProblem(candidate: string): string | undefined;
export declare const APPROVER_ID: RegExp;
export declare function approverIdProblem(value: string): string | undefined;
