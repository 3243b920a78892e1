export { createNetwork, type EmulatorNetwork } from "./ec2.js";
export {
  advanceTask,
  createCluster,
  describeTask,
  EmulatorSetupError,
  type RunTaskOptions,
  registerTaskDefinition,
  runTask,
  type TaskDefinitionOptions,
} from "./ecs.js";
export { emulatorEndpoint } from "./endpoint.js";
export {
  getTransition,
  MotoApiError,
  type PublishedSnsMessage,
  resetEmulator,
} from "./moto-api.js";
export { callQueryApi, QueryApiError } from "./query-api.js";
export { readPublishedSnsMessages } from "./sns.js";
