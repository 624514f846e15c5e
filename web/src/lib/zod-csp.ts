/**
 * Imported first by every page, before any schema is built: the pages' CSP has no
 * 'unsafe-eval', so zod must neither compile validators with `new Function` nor probe for
 * it (strict CSPs report even a caught probe as a violation). zod decides when a schema is
 * created, hence before the schema modules run.
 */
import { z } from 'zod';

z.config({ jitless: true });
