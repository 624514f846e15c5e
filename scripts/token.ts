/**
 * `npm run token -- <user> [password]`: signs a seeded staff member in at the running local
 * runtime's OIDC provider (local/emulators/identity.ts) and prints the ID token, for curl and scripts.
 * The password defaults to the seeded one (README). PORT: the runtime's port (3000).
 */
import { passwordSignIn, SEED_USERS } from '../local/emulators/identity.ts';

const [username, password] = process.argv.slice(2);
const user = SEED_USERS.find((u) => u.username === username);
if (!username || (!user && !password)) {
  console.error(`Usage: npm run token -- <user> [password]   (seeded users: ${SEED_USERS.map((u) => u.username).join(', ')})`);
  process.exit(2);
}
const base = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
passwordSignIn(base, username, password ?? user!.password).then(
  (token) => console.log(token),
  (e: Error) => {
    console.error(e.message.includes('fetch failed') ? `No local runtime answers at ${base} (npm start first; PORT if not 3000)` : e.message);
    process.exit(1);
  },
);
