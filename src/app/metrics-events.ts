/**
 * The event handlers' metrics recorder (task-state, deployment-events), kept out of src/app/metrics.ts: it reads
 * the event schemas' detail-types, which the job, hook and Slack functions would otherwise load at cold start.
 */
export { recordDispatch } from "../shared/metrics/events.js";
