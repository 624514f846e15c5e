/** The shared folder beside the repository (fixtures): CI clones the repo next to it. */
import { join } from 'node:path';

export const SHARED_DIR = process.env.SHARED_DIR ?? join(import.meta.dirname, '..', '..', '..', 'shared');
export const FIXTURES = join(SHARED_DIR, 'fixtures');
