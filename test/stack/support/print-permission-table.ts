/**
 * Prints the permission table of docs/security.md from a fresh `osls package` (offline):
 *   npx tsx test/stack/support/print-permission-table.ts
 * Extra `name=value` arguments replace the documented parameters.
 */
import { DOCUMENTED_PARAMS, DOCUMENTED_STAGE } from "./documented-stack.js";
import { packageStack } from "./package-stack.js";
import { permissionTable } from "./permission-table.js";

const params = process.argv.length > 2 ? process.argv.slice(2) : DOCUMENTED_PARAMS;
const stack = await packageStack(DOCUMENTED_STAGE, params);
console.log(permissionTable(stack.template));
