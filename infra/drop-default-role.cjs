"use strict";
/**
 * osls plugin: removes the shared role `IamRoleLambdaExecution` that osls compiles for functions without a
 * role of their own. serverless-iam-roles-per-function (listed before this plugin, so its
 * `before:package:finalize` hook runs first) gives every function its own role, which leaves the shared
 * one unused but still deployed with log and dead-letter permissions. If anything still refers to it,
 * packaging fails instead of deploying a broken or wider stack.
 */
const DEFAULT_ROLE = "IamRoleLambdaExecution";

class DefaultRoleStillUsedError extends Error {
  constructor(users) {
    super(`${DEFAULT_ROLE} is still referred to by ${users.join(", ")}; give each function its own role`);
    this.name = "DefaultRoleStillUsedError";
  }
}

/** Logical ids of the resources and outputs of `template` that mention the default role. */
function usersOfDefaultRole(template) {
  const sections = { ...(template.Resources ?? {}), ...(template.Outputs ?? {}) };
  return Object.entries(sections)
    .filter(([id, value]) => id !== DEFAULT_ROLE && JSON.stringify(value).includes(`"${DEFAULT_ROLE}"`))
    .map(([id]) => id);
}

/** Removes the default role from a compiled template (in place); throws when something still uses it. */
function dropDefaultRole(template) {
  if (!template.Resources?.[DEFAULT_ROLE]) return false;
  const users = usersOfDefaultRole(template);
  if (users.length > 0) throw new DefaultRoleStillUsedError(users);
  delete template.Resources[DEFAULT_ROLE];
  return true;
}

class DropDefaultRolePlugin {
  constructor(serverless) {
    this.hooks = {
      "before:package:finalize": () =>
        dropDefaultRole(serverless.service.provider.compiledCloudFormationTemplate),
    };
  }
}

module.exports = DropDefaultRolePlugin;
module.exports.dropDefaultRole = dropDefaultRole;
module.exports.DefaultRoleStillUsedError = DefaultRoleStillUsedError;
