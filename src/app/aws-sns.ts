/**
 * The SNS client (email and Amazon Q Developer notifications, the local stack's topic), apart from aws.ts: only the
 * modules that publish import it, so a Lambda's cold start does not load the SNS client.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { common, once } from "./aws.js";

export const snsClient = () => once("sns", () => new SNSClient(common()));
