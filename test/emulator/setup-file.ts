/**
 * Runs before each emulator test file: points the AWS SDK (and the project's shared clients) at the emulator
 * and gives the file an empty emulator whose ECS tasks keep their status until a test advances them.
 */
import { inject } from "vitest";
import { resetClients } from "../../src/app/aws.js";
import { prepareEmulatorForTestFile } from "./support/moto-api.js";

const endpoint = inject("emulatorEndpoint");

// Service-specific endpoints and profiles from the developer's shell would send calls elsewhere.
for (const name of Object.keys(process.env)) {
  if (name.startsWith("AWS_ENDPOINT_URL_")) delete process.env[name];
}
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
process.env.AWS_ENDPOINT_URL = endpoint;
process.env.AWS_REGION = "us-east-1";
process.env.AWS_DEFAULT_REGION = "us-east-1";
process.env.AWS_ACCESS_KEY_ID = "testing";
process.env.AWS_SECRET_ACCESS_KEY = "testing";
resetClients();

await prepareEmulatorForTestFile(endpoint);
