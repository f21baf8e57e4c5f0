/** Fivetran webhooks: verify the signature, parse the body, classify what it means. */
export { verifyFivetranSignature, signFivetranBody, FIVETRAN_SIGNATURE_HEADER } from './signature';
export { parseFivetranWebhook, FivetranWebhookSchema, FivetranWebhookDataSchema, FivetranPayloadError } from './webhook';
export type { FivetranWebhook } from './webhook';
export { classifyFivetranEvent, FIVETRAN_SUCCESS_STATUS } from './classify';
export type { FivetranClassification, FivetranArrival, FivetranFailure, FivetranIgnored } from './classify';
