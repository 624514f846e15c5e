/**
 * The OpenAPI document the OpenApi function serves, as the JSON text it answers with. It depends
 * on nothing but the schemas, so the Lambda bundle gets it computed at build time
 * (infra/bundle-function.ts replaces this module with the text as a string literal): the
 * function neither loads zod-to-openapi and every schema nor builds or serialises the document
 * at a cold start. In-process hosts (the local runtime, tests) build it here.
 */
import { buildOpenApiDocument } from './openapi.ts';

export const openApiJson: string = JSON.stringify(buildOpenApiDocument());
