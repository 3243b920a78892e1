/** Types of infra/drop-default-role.cjs, for the TypeScript tests. */
export declare function dropDefaultRole(template: {
  Resources?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}): boolean;
export declare class DefaultRoleStillUsedError extends Error {}
