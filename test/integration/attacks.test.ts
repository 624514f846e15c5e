/**
 * Attacks against the running product (DynamoDB Local, the local API Gateway with the local
 * JWT authorizer, the local object store), over HTTP as an attacker would send them:
 * another customer's reference, access-code guessing (one at a time and all at once), staff
 * outside their role or department, tampered and stale tokens, tampered and replayed
 * notification links, foreign origins, hostile attachment names and disguised file types.
 * Each is denied, and each denial is on the audit record (searched by the quality role).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localIdpSettings } from '../../local/emulators/identity.ts';
import { clients, eventually, validComplaint } from '../support/clients.ts';
import { investigation, Journey, mailsTo as mailsToJourney } from '../support/journey.ts';
import { minimalPdf } from '../support/files.ts';

const { ddb, sfn } = clients({ dynamoEndpoint: inject('dynamoEndpoint'), sfnEndpoint: inject('sfnEndpoint'), awsRegion: inject('awsRegion') });
const j = new Journey(inject('apiUrl'), ddb, sfn, inject('tableName'), inject('stateMachineArn'));
const api = inject('apiUrl');
/** A day no other test file writes audit entries on (Monday). */
const DAY = '2026-04-13';
const MIN = 60_000;

const auditOf = async (q: string) => {
  const r = await j.as('quinn', 'GET', `/audit?day=${DAY}&${q}`);
  expect(r.status).toBe(200);
  return r.body.entries as { actor: string; operation: string; outcome: string; reference?: string; detail?: string }[];
};

/** A raw answer, headers included. */
async function send(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
/** A status read; `source`: the client address the local gateway is told (X-Local-Source-Ip), one per simulated client. */
const status = (ref: string, code?: string, source = '192.0.2.1') =>
  send('GET', `/api/complaints/${ref}`, { 'x-local-source-ip': source, ...(code === undefined ? {} : { 'x-access-code': code }) });
const GUESSER = '198.51.100.7';
const OWNER = '203.0.113.7';

beforeAll(async () => {
  await j.setClock(`${DAY}T02:00:00.000Z`);
});
afterAll(async () => {
  await j.setClock('2026-03-02T01:00:00.000Z');
});

describe('customer access', () => {
  it("another customer's reference with a stolen code is answered exactly like an unknown reference", async () => {
    const a = await j.submit(validComplaint());
    const b = await j.submit(validComplaint());
    const crossed = await status(b.reference, a.accessCode);
    const unknown = await status('CN-2026-999999', a.accessCode);
    expect(crossed.status).toBe(404);
    expect(crossed.body).toEqual(unknown.body);
    expect(crossed.body).toEqual({ error: 'not_found', message: 'No complaint matches this reference and access code' });
    expect((await status(a.reference, a.accessCode)).status).toBe(200);
    // The owner of b is not locked out by one failure.
    expect((await status(b.reference, b.accessCode)).status).toBe(200);
  });

  it('guessing (issue 16 finding 3): ten wrong codes refuse that source for 15 minutes (429, Retry-After); the owner, from their own connection, opens it throughout; an unknown reference behaves the same; all audited, no code recorded', async () => {
    const { reference, accessCode } = await j.submit(validComplaint());
    const unknown = reference.replace(/\d+$/, (n) => String(Number(n) + 500_000));
    const run = async (ref: string, guess: string, source: string) => {
      const seen: unknown[] = [];
      for (let i = 0; i < 10; i++) {
        const r = await status(ref, `${guess.slice(0, 9)}${i}`, source);
        seen.push([r.status, r.body]);
      }
      const refused = await status(ref, guess, source);
      seen.push([refused.status, refused.body, refused.headers.get('retry-after')]);
      return seen;
    };
    const real = await run(reference, 'ZZZZZ-ZZZZ', GUESSER);
    expect(real.slice(0, 10).map((r: any) => r[0])).toEqual(Array(10).fill(404));
    expect(real[10]).toEqual([
      429,
      { error: 'too_many_attempts', message: 'Too many wrong access codes from your connection; try again in 15 minute(s)' },
      '900',
    ]);
    expect(await run(unknown, 'ZZZZZ-ZZZZ', '198.51.100.99')).toEqual(real);

    // The owner is never refused: the status page and the satisfaction callback route.
    expect((await status(reference, accessCode, OWNER)).status).toBe(200);
    expect(
      (await send('POST', `/api/complaints/${reference}/callback`, { 'x-access-code': 'ZZZZZ-ZZZZZ', 'x-local-source-ip': GUESSER }, { satisfaction: 5 }))
        .status,
    ).toBe(429);
    await j.advance(10 * MIN);
    expect((await status(reference, 'ZZZZZ-ZZZZZ', GUESSER)).headers.get('retry-after')).toBe('300');
    expect((await status(reference, accessCode, OWNER)).status).toBe(200);
    await j.advance(5 * MIN);
    expect((await status(reference, accessCode, GUESSER)).status).toBe(200);

    const entries = await auditOf(`reference=${reference}`);
    expect(entries.every((e) => e.actor === 'customer' && e.outcome === 'denied')).toBe(true);
    expect(entries.map((e) => e.detail).sort()).toEqual(
      [
        ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `wrong access code (wrong code ${n} of 10 from this source in the window)`),
        'refused: too many wrong access codes from this source',
        'refused: too many wrong access codes from this source',
        'refused: too many wrong access codes from this source',
        'wrong access code; source refused for 15 minutes after 10 wrong codes',
      ].sort(),
    );
    expect(entries.map((e) => e.operation)).toContain('customerCallback');
    expect((await auditOf(`reference=${unknown}`)).map((e) => e.detail)).toContain('unknown reference (wrong code 1 of 10 from this source in the window)');
    expect(JSON.stringify(entries)).not.toMatch(/ZZZZ|accessCode|198\.51|203\.0/);
    expect(JSON.stringify(entries)).not.toContain(accessCode);
  });

  it("thirty guesses at once from one source end with that source refused; the owner's twelve parallel reads all open it, none audited", async () => {
    const { reference, accessCode } = await j.submit(validComplaint());
    const source = '198.51.100.30';
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => status(reference, `GUESS-${String(i).padStart(5, '0')}`, source)));
    expect(answers.every((a) => a.status === 404 || a.status === 429)).toBe(true);
    expect((await status(reference, 'GUESS-99999', source)).status).toBe(429);
    const reads = await Promise.all(Array.from({ length: 12 }, () => status(reference, accessCode, '203.0.113.30')));
    expect(reads.map((r) => r.status)).toEqual(Array(12).fill(200));
    const entries = await auditOf(`reference=${reference}`);
    // One entry per guess (30) and the probe: the owner's reads are not on the record.
    expect(entries).toHaveLength(31);
    for (const e of entries) expect(e.detail).toMatch(/^(refused: too many wrong access codes from this source|wrong access code)/);
    await j.advance(15 * MIN);
  });
});

describe('look-alike submission (issue 16 finding 1)', () => {
  it("the victim's email in another case, same business line, a paraphrase: a complaint of its own, worded as any; its code opens only itself; staff merge, link or unlink, audited", async () => {
    const email = `li.na.${process.pid}.${Date.now()}@example.com`;
    const victim = await j.submit(
      validComplaint({
        complainant: { name: 'Li Na', contact: { email } },
        matter: { description: 'The annual fee on my credit card was charged twice in January without my consent' },
      }),
    );
    const stranger = await j.submit(
      validComplaint({
        complainant: { name: 'Stranger', contact: { email: email.toUpperCase() } },
        matter: { description: 'My credit card annual fee was charged twice in January without my consent' },
      }),
    );
    expect(stranger.reference).not.toBe(victim.reference);
    expect(stranger.acknowledgement.message).not.toMatch(/added to your open complaint/);
    expect(stranger.acknowledgement.message.replace(stranger.reference, 'REF')).toBe(victim.acknowledgement.message.replace(victim.reference, 'REF'));
    expect((await status(victim.reference, stranger.accessCode)).status).toBe(404);
    expect(
      (
        await send(
          'POST',
          `/api/complaints/${victim.reference}/callback`,
          { 'x-access-code': stranger.accessCode, 'x-local-source-ip': '192.0.2.55' },
          { satisfaction: 1 },
        )
      ).status,
    ).toBe(404);
    const own = await status(stranger.reference, stranger.accessCode);
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body)).not.toContain(victim.reference);
    // For staff: linked, with the reason; nothing changed on the victim's complaint.
    const detail = await j.complaint('sam', stranger.reference);
    expect(detail.complaint.relatedTo).toMatchObject({ reference: victim.reference, reason: 'possible-repeat' });
    expect((await j.complaint('sam', victim.reference)).complaint.repeats).toBeUndefined();
    // A handler of another department may not merge; the desk unlinks after checking: audited.
    expect((await j.as('leo', 'POST', `/complaints/${stranger.reference}/merge`, { into: victim.reference })).status).toBe(403);
    expect((await j.as('sam', 'POST', `/complaints/${stranger.reference}/unlink`, {})).status).toBe(200);
    expect((await j.complaint('sam', stranger.reference)).complaint.relatedTo).toBeUndefined();
    // Staff may link two complaints they find related (no merge), and only ones they may act on; audited.
    expect((await j.as('leo', 'POST', `/complaints/${stranger.reference}/link`, { to: victim.reference })).status).toBe(403);
    expect((await j.as('sam', 'POST', `/complaints/${stranger.reference}/link`, { to: stranger.reference })).status).toBe(409);
    expect((await j.as('sam', 'POST', `/complaints/${stranger.reference}/link`, { to: 'not-a-reference' })).status).toBe(400);
    expect((await j.as('sam', 'POST', `/complaints/${stranger.reference}/link`, { to: victim.reference })).status).toBe(200);
    expect((await j.complaint('sam', stranger.reference)).complaint.relatedTo).toMatchObject({ reference: victim.reference, reason: 'staff-link' });
    expect((await j.complaint('sam', victim.reference)).complaint.repeats).toBeUndefined(); // linked, not merged
    expect(JSON.stringify((await status(stranger.reference, stranger.accessCode)).body)).not.toContain(victim.reference); // never shown to the customer
    const entries = await auditOf(`reference=${stranger.reference}`);
    expect(entries.map((e) => `${e.actor}:${e.operation}:${e.outcome}`)).toEqual(
      expect.arrayContaining(['leo:mergeComplaint:denied', 'sam:unlinkComplaint:ok', 'leo:linkComplaint:denied', 'sam:linkComplaint:ok']),
    );
  });
});

describe('automatic merge of a repeat only with proof of the contact on file (issue 16 finding 1)', () => {
  const mailDir = inject('mailDir');
  const mailsTo = (address: string) => mailsToJourney(j, mailDir, address);

  it('the owner gives the code mailed to the email on file: merged at once; a wrong code, or the code with another access code, merges nothing', async () => {
    const email = `owner.${process.pid}.${Date.now()}@example.com`;
    const first = await j.submit(
      validComplaint({
        complainant: { name: 'Li Na', contact: { email } },
        matter: { description: 'The annual fee on my credit card was charged twice in January without my consent' },
      }),
    );
    const again = await j.submit(
      validComplaint({
        complainant: { name: 'Li Na', contact: { email } },
        matter: { description: 'My credit card annual fee was charged twice in January without my consent, and again in February' },
      }),
    );
    expect(again.reference).not.toBe(first.reference);
    const mail = await eventually(
      async () => (await mailsTo(email)).find((m) => (m.subject ?? '').includes(`${again.reference}: did you send it`)),
      120_000,
      'confirmation email',
    );
    expect(mail.text).not.toContain(first.reference);
    const code = /([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(mail.text ?? '')![1];
    const confirm = (c: string, accessCode = again.accessCode) =>
      send('POST', `/api/complaints/${again.reference}/repeat-confirmation`, { 'x-access-code': accessCode, 'x-local-source-ip': '192.0.2.77' }, { code: c });
    expect((await confirm('ZZZZZ-ZZZZZ')).body).toEqual({ error: 'not_found', message: 'This confirmation code is not valid for this complaint' });
    expect((await confirm(code, first.accessCode)).status).toBe(404);
    expect((await j.complaint('quinn', first.reference)).complaint.repeats).toBeUndefined();
    expect(await confirm(code)).toMatchObject({ status: 200, body: { merged: true, reference: first.reference } });
    expect((await status(first.reference, again.accessCode)).status).toBe(200);
    expect((await j.complaint('quinn', first.reference)).complaint.repeats).toBe(1);
    // The repeat is answered with the earlier complaint: its own workflow goes to Close (Complaint.Merged).
    const closed = await eventually(
      async () => {
        const d = (await j.complaint('quinn', again.reference)).complaint;
        return d.status === 'CLOSED' && d;
      },
      120_000,
      'the merged repeat closed',
    );
    expect(closed).toMatchObject({ closure: 'merged', mergedInto: { reference: first.reference } });
    expect((await j.complaint('quinn', first.reference)).complaint.status).toBe('OPEN');
  });
});

describe('staff outside their role or department', () => {
  it('is refused with 403, and every refusal is on the audit record', async () => {
    const { reference: ref } = await j.submit(validComplaint({ businessLine: 'cards' }));
    await j.waitForStage(ref, 'INVESTIGATION');
    const attempts: [string, string, string, unknown?][] = [
      ['leo', 'GET', `/complaints/${ref}`], // loans handler reads a cards complaint
      ['leo', 'POST', `/complaints/${ref}/claim`, {}], // ... and claims it
      ['max', 'POST', `/complaints/${ref}/assignment`, { assignee: 'leo' }], // loans manager reassigns it
      ['hana', 'POST', `/complaints/${ref}/investigation`, investigation], // her department, but not the assignee
      ['quinn', 'POST', `/complaints/${ref}/claim`, {}], // quality is read-only
      ['ada', 'GET', '/dashboard?from=2026-04&to=2026-04'], // admin: no dashboard
      ['sam', 'GET', `/audit?day=${DAY}`], // specialist: no audit record
      ['hana', 'GET', '/tasks/team?team=loans'], // another team's queue
    ];
    for (const [user, method, path, body] of attempts) {
      const r = await j.as(user, method, path, body);
      expect(r.status, `${user} ${method} ${path}`).toBe(403);
    }
    // Nothing changed hands.
    expect((await j.complaint('quinn', ref)).complaint.assignment?.assignee).toBeUndefined();
    const denied = (await auditOf('')).filter((e) => e.outcome === 'denied' && e.actor !== 'customer').map((e) => `${e.actor}:${e.operation}`);
    expect(denied).toEqual(
      expect.arrayContaining([
        'leo:getComplaint',
        'leo:claimTask',
        'max:reassign',
        'hana:completeInvestigation',
        'quinn:claimTask',
        'ada:getDashboard',
        'sam:searchAudit',
        'hana:listTeamQueue',
      ]),
    );
  });
});

describe('tampered and stale tokens', () => {
  // The local OIDC provider's own signing key (in the runtime's data directory): a token signed
  // with it passes the gateway, so what the product checks after the gateway is tested too.
  const dataDir = resolve(inject('mailDir'), '..', '..');
  const keyJwk = () => JSON.parse(readFileSync(join(dataDir, 'identity', 'oidc-signing-key.json'), 'utf8')) as JWK;
  const issuerKey = () => importJWK(keyJwk(), 'RS256');
  const { audience: AUDIENCE, clientId, mapping } = localIdpSettings();
  let issuer = '';
  beforeAll(async () => {
    issuer = ((await (await fetch(`${api}/config.json`)).json()) as { auth: { issuer: string } }).auth.issuer;
  });
  /** The bank IdP's group names of product roles (the inverse of groupRoles). */
  const groups = (roles: string[]) =>
    Object.entries(mapping.groupRoles!)
      .filter(([, r]) => roles.includes(r))
      .map(([g]) => g);
  const claims = (user: string, roles: string[], department: string) => ({ preferred_username: user, groups: groups(roles), department, name: user });
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sign = async (payload: Record<string, unknown>, o: { key?: Awaited<ReturnType<typeof issuerKey>>; iss?: string; aud?: string; exp?: number } = {}) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: keyJwk().kid! })
      .setIssuer(o.iss ?? issuer)
      .setAudience(o.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(o.key ?? (await issuerKey()));
  const get = (token: string) => send('GET', '/api/staff/tasks/team', { authorization: `Bearer ${token}` });
  /** A real ID token of the provider, through its discovered token endpoint, for `client`. */
  const realToken = async (client: string) => {
    const { token_endpoint } = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    const res = await fetch(token_endpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: client, username: 'hana', password: 'hana-handler' }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { id_token: string }).id_token;
  };

  it('the provider serves its discovery document, naming itself and its keys', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` });
    expect(doc.code_challenge_methods_supported).toContain('S256');
    const jwks = (await (await fetch(String(doc.jwks_uri))).json()) as { keys: JWK[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([keyJwk().kid]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('alg none, edited claims, wrong issuer or audience, expired, re-signed with another key, HS256 with the public key: all 401 at the gateway', async () => {
    const real = await j.token('hana');
    const [h, p, s] = real.split('.');
    // The token names hana the bank IdP's way: preferred_username and the bank's groups, no Cognito claim.
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toMatchObject({
      iss: issuer,
      aud: AUDIENCE,
      preferred_username: 'hana',
      groups: ['All-Staff', 'CMP-Handlers'],
      department: 'cards',
    });
    const escalated = b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), groups: groups(['admin', 'quality']) });
    const { privateKey: otherKey } = await generateKeyPair('RS256');
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = keyJwk();
    const tokens: Record<string, string> = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
      'alg none, no dot': `${b64({ alg: 'none' })}.${p}`,
      'claims edited, signature kept': `${h}.${escalated}.${s}`,
      'signature of another token': `${h}.${p}.${(await j.token('quinn')).split('.')[2]}`,
      'wrong issuer': await sign(claims('hana', ['handler'], 'cards'), { iss: 'https://attacker.example' }),
      'wrong issuer (another local port)': await sign(claims('hana', ['handler'], 'cards'), { iss: issuer.replace(/:\d+$/, ':1') }),
      'wrong audience': await sign(claims('hana', ['handler'], 'cards'), { aud: 'another-app' }),
      'a real token of the provider for another client': await realToken('another-app'),
      expired: await sign(claims('hana', ['handler'], 'cards'), { exp: Math.floor(Date.now() / 1000) - 3600 }),
      're-signed with another key (same kid)': await sign(claims('hana', ['admin'], 'cards'), { key: otherKey }),
      'HS256 keyed with the public key': await new SignJWT(claims('hana', ['admin'], 'cards'))
        .setProtectedHeader({ alg: 'HS256', kid: keyJwk().kid! })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(JSON.stringify(pub))),
      garbage: 'not.a.token',
      empty: '',
    };
    for (const [what, token] of Object.entries(tokens)) {
      const r = await get(token);
      expect(r.status, what).toBe(401);
      expect(r.headers.get('www-authenticate'), what).toBe('Bearer');
    }
    expect((await send('GET', '/api/staff/tasks/team')).status).toBe(401);
    expect((await get(real)).status).toBe(200);
    // The same provider's token for the console's client passes: the refusal above was the audience.
    expect((await get(await realToken(clientId))).status).toBe(200);
  });

  it('a valid token of someone not in the staff directory, or disabled there, is refused with 401 and audited', async () => {
    const mallory = await sign(claims('mallory', ['admin', 'quality'], 'it'));
    const r = await get(mallory);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'unauthorized', message: 'Your sign-in is no longer valid' });

    // walt signs in, then is disabled: his token, still unexpired, stops working at once.
    const walt = await j.token('walt');
    expect((await get(walt)).status).toBe(200);
    const setDisabled = (disabled: boolean) =>
      ddb.send(
        new UpdateCommand({
          TableName: inject('tableName'),
          Key: { PK: 'STAFF#walt', SK: 'PROFILE' },
          UpdateExpression: 'SET disabled = :d',
          ExpressionAttributeValues: { ':d': disabled },
        }),
      );
    await setDisabled(true);
    try {
      expect((await get(walt)).status).toBe(401);
      expect((await send('POST', '/api/staff/complaints/CN-2026-000001/claim', { authorization: `Bearer ${walt}` })).status).toBe(401);
    } finally {
      await setDisabled(false);
    }
    expect((await get(walt)).status).toBe(200);

    const entries = await auditOf('');
    expect(entries.filter((e) => e.actor === 'mallory').map((e) => [e.operation, e.outcome, e.detail])).toEqual([
      ['listTeamQueue', 'denied', 'signed-in token of someone not in the staff directory'],
    ]);
    expect(
      entries
        .filter((e) => e.actor === 'walt' && e.outcome === 'denied')
        .map((e) => e.operation)
        .sort(),
    ).toEqual(['claimTask', 'listTeamQueue']);
    expect(JSON.stringify(entries)).not.toContain(walt.split('.')[2]);
  });
});

describe('notification links', () => {
  const linkOf = (text: string) => new URL(/(http:\/\/\S+#\/link\?\S+)/.exec(text)![1]).hash.replace(/^#\/link\?/, '');

  it('a tampered signature or a stretched expiry is refused; a used link cannot be replayed; all audited', async () => {
    const { reference: ref } = await j.submit(validComplaint({ businessLine: 'cards', amount: { value: 900_000, currency: 'CNY' } }));
    await j.waitForStage(ref, 'INVESTIGATION');
    const toMia = (await j.complaint('mia', ref)).messages.find((m: any) => m.audience === 'staff' && m.to === 'mia');
    const q = new URLSearchParams(linkOf(toMia.text));
    const variant = (k: string, v: string) => {
      const c = new URLSearchParams(q);
      c.set(k, v);
      return c.toString();
    };
    const sig = q.get('sig')!;
    const tries = {
      'signature changed': variant('sig', `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`),
      'signature removed': variant('sig', ''),
      'expiry stretched': variant('exp', String(Number(q.get('exp')) + 30 * 86400)),
      'another nonce (a fresh use)': variant('n', 'replayed-nonce'),
      'for another person': variant('u', 'hana'),
    };
    for (const [what, query] of Object.entries(tries)) {
      const r = await j.as('mia', 'GET', `/links?${query}`);
      expect(r.status, what).toBe(403);
      expect(r.body.message, what).toMatch(/not valid|incomplete/);
    }
    expect((await j.as('mia', 'GET', `/links?${q}`)).body).toEqual({ reference: ref });
    const replay = await j.as('mia', 'GET', `/links?${q}`);
    expect(replay.status).toBe(403);
    expect(replay.body.message).toMatch(/already used/);
    const outcomes = (await auditOf('actor=mia')).filter((e) => e.operation === 'openTaskLink').map((e) => e.outcome);
    expect(outcomes.filter((o) => o === 'denied')).toHaveLength(Object.keys(tries).length + 1);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
  });
});

describe('CORS', () => {
  it('a page of another origin gets no Access-Control-Allow-Origin, on any route, preflight or not', async () => {
    const { reference, accessCode } = await j.submit(validComplaint());
    const origin = { origin: 'https://attacker.example' };
    const answers = [
      await send('GET', `/api/complaints/${reference}`, { ...origin, 'x-access-code': accessCode }),
      await send('POST', '/api/complaints', origin, validComplaint()),
      await send('GET', '/api/staff/tasks/team', { ...origin, authorization: `Bearer ${await j.token('hana')}` }),
      await send('OPTIONS', `/api/complaints/${reference}`, {
        ...origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-access-code',
      }),
      await send('OPTIONS', '/api/staff/tasks/team', { ...origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' }),
    ];
    expect(answers[0].status).toBe(200);
    for (const a of answers) {
      expect(a.headers.get('access-control-allow-origin')).toBeNull();
      expect(a.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });
});

describe('attachments', () => {
  const upload = (name: string, contentType = 'application/pdf', size = 64) => j.request('POST', '/api/attachments', { name, contentType, size });
  const put = async (u: { upload: { url: string; headers: Record<string, string> } }, bytes: Uint8Array) => {
    const res = await fetch(u.upload.url, { method: 'PUT', headers: u.upload.headers, body: bytes });
    expect(res.status).toBe(200);
  };
  const bytes = (head: number[] | string, size = 64) => {
    const b = new Uint8Array(size);
    b.set(typeof head === 'string' ? new TextEncoder().encode(head) : head);
    return b;
  };

  it('hostile names never reach a key: the key is ours, under uploads/<day>/, and the name becomes a plain file name', async () => {
    const names = [
      '../../etc/passwd',
      '/etc/shadow.pdf',
      '..\\..\\windows\\win.ini',
      'a/../../b.pdf',
      'evil\u2215..\u2215x.pdf',
      'full\uff0fwidth.pdf',
      '..',
      'nul\u0000byte.pdf',
      'invoice\u202efdp.exe',
    ];
    for (const name of names) {
      const r = await upload(name);
      if (r.status === 400) {
        // Refused at the boundary (invisible characters), naming the field.
        expect(
          r.body.fields.map((f: { field: string }) => f.field),
          name,
        ).toEqual(['name']);
        continue;
      }
      expect(r.status, name).toBe(201);
      expect(r.body.key, name).toMatch(/^uploads\/\d{4}-\d{2}-\d{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(r.body.upload.url, name).toContain(`/${r.body.key}?`);
      expect(r.body.name, name).not.toMatch(/[/\\\u2215\uff0f\u0000\u202e]|^\.+$/);
      expect(r.body.name.length, name).toBeGreaterThan(0);
    }
    // A key of the client's own making is refused, naming the field.
    const forged = await j.request(
      'POST',
      '/api/complaints',
      validComplaint({ attachments: [{ key: 'uploads/../mail/inbound/x', name: 'x.pdf', contentType: 'application/pdf', size: 64 }] }),
    );
    expect(forged.status).toBe(400);
    expect(forged.body.fields.map((f: { field: string }) => f.field)).toEqual(['attachments.0.key']);
  });

  it('the content type is checked, not trusted: an executable or a PNG declared as a PDF is refused; a real PDF is kept', async () => {
    const exe = (await upload('statement.pdf')).body;
    await put(exe, bytes([0x4d, 0x5a, 0x90, 0x00])); // "MZ": a Windows executable
    const png = (await upload('scan.pdf')).body;
    await put(png, bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // A real PDF (the whole file is checked: a "%PDF-" header and zeros no longer pass, issue 16 #7).
    const pdf = (await upload('../../letter.pdf', 'application/pdf', minimalPdf().length)).body;
    await put(pdf, minimalPdf());
    const ref = (u: any) => ({ key: u.key, name: `../../../${u.name}`, contentType: u.contentType, size: u.size });

    const refused = await j.request('POST', '/api/complaints', validComplaint({ attachments: [ref(exe), ref(png), ref(pdf)] }));
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([
      { field: 'attachments.0.contentType', message: "does not match the file's content" },
      { field: 'attachments.1.contentType', message: "does not match the file's content" },
    ]);
    const kept = await j.submit(validComplaint({ attachments: [ref(pdf)] }));
    await j.waitForStage(kept.reference, 'INVESTIGATION');
    const stored = (await j.complaint('hana', kept.reference)).complaint.attachments;
    expect(stored).toEqual([{ key: pdf.key, name: 'letter.pdf', contentType: 'application/pdf', size: minimalPdf().length }]);
  });
});
