/** Log signatures: read a failed container's last log lines and refine its diagnosis (issue 18 item 1). */
export { refineWithLogs } from "./refine.js";
export { LOG_SIGNATURES } from "./signatures.js";
export * from "./types.js";
