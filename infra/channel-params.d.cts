/** Types of infra/channel-params.cjs, for the TypeScript tests. */
export declare const CHANNELS: ReadonlyArray<{ source: string; minSeverity: string; fallback: string }>;
/** A standard SNS topic ARN: arn:PARTITION:sns:REGION:ACCOUNT:NAME. */
export declare const TOPIC_ARN: RegExp;
/** Why `arn` is not the ARN of a standard SNS topic, or undefined when it is one. */
export declare function topicArnProblem(arn: string): string | undefined;
