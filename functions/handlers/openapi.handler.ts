import { httpHandler } from '../http/http-handler.ts';
import { openApiDocument } from '../contract/openapi-document.ts';

export const handler = httpHandler({}, async () => ({ statusCode: 200, body: openApiDocument, headers: { 'cache-control': 'public, max-age=300' } }));
