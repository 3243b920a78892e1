#!/usr/bin/env node
/** The ecs-sentinel command: the same code as the Lambdas, for a person at a terminal. */
import { main } from "./main.js";

// The CLI supports Node 20 (engines); the SDK's notice about its future Node 22 minimum is noise at a terminal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.exitCode = await main(process.argv.slice(2));
