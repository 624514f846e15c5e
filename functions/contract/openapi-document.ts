/**
 * The OpenAPI document the OpenApi function serves. It depends on nothing but the schemas, so
 * the Lambda bundle gets it computed at build time (scripts/bundle-function.ts replaces this
 * module with the document as JSON): the function neither loads zod-to-openapi and every schema
 * nor builds the document at a cold start. In-process hosts (the local runtime, tests) build it here.
 */
import { buildOpenApiDocument } from './openapi.ts';

export const openApiDocument: unknown = buildOpenApiDocument();
