/**
 * Crash anywhere: a batch of complaints walks its lifecycle (customers over the API, staff
 * through the staff API, the workflow on its own) while the product - its API, functions and
 * workflow engine, all in one process group - is killed with SIGKILL at planned moments and
 * started again on the same data directory. DynamoDB Local, the store, is stopped after it
 * (SIGTERM): DynamoDB does not go down with the functions and keeps what it acknowledged,
 * which DynamoDB Local's JVM does not when SIGKILLed (measured: `npm run bench:ddb-kill`,
 * docs/testing.md). The kills are aimed: while a complaint is being submitted, while a staff
 * action is on its way, just after one (its workflow moving on), and, once every complaint is
 * closed and past its retention, while archival is under way.
 * Clients do what real ones do: a customer sends the complaint again with the same
 * Idempotency-Key; staff reload and act again only if their action did not happen.
 *
 * Afterwards: every complaint is closed with the outcome its customer chose, once (one per
 * Idempotency-Key, no other in the table), its history is the legal sequence of its path
 * with nothing missing and nothing twice (resumes aside), every email was sent, each
 * complaint had exactly one workflow that finished and none left running; then every one is
 * in the archive, once, its history matching its digest (the reconciliation), and none is
 * left in the hot table.
 *
 * Seeded: the seed and the plan's digest are printed; SEED=<n> replays the same plan - the
 * complaints, the arrivals' pauses, the kill points - drawn from the seed before anything runs
 * (test/support/crash-plan.ts). Kills are aimed at observable progress (the n-th submission or
 * staff action sent, the n-th staff action answered, the n-th answer; for archival, archived
 * objects appearing), never at a wall-clock delay, and each planned kill point is asserted to
 * have been hit. Which request is the n-th still depends on the scheduling of concurrent
 * clients. CRASH_COMPLAINTS, CRASH_KILLS and CRASH_ARCHIVAL_KILLS size it; `npm run soak`
 * runs a long variant (150 complaints, 35 kills).
 */
import { randomInt } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { clients, countComplaints, eventually } from '../support/clients.ts';
import { crashPlan, planDigest, type CrashComplaint, type KillPoint } from '../support/crash-plan.ts';
import { count, EXPECTED_HISTORY, ResilientClient, withoutResumes, workToClose, type Detail } from '../support/resilient.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process.ts';

const SOAK = process.env.CRASH_SOAK === '1';
const SEED = Number(process.env.SEED ?? randomInt(1, 2 ** 31));
const COMPLAINTS = Number(process.env.CRASH_COMPLAINTS ?? (SOAK ? 150 : 24));
const KILLS = Number(process.env.CRASH_KILLS ?? (SOAK ? 30 : 3));
const ARCHIVAL_KILLS = Number(process.env.CRASH_ARCHIVAL_KILLS ?? (SOAK ? 5 : 1));
const CONCURRENCY = 6;
const TABLE = 'complaints-cn';
/** The whole plan, from the seed, before anything runs. */
const PLAN = crashPlan(SEED, { complaints: COMPLAINTS, kills: KILLS, soak: SOAK });
type Plan = CrashComplaint;

const dataDir = mkdtempSync(join(tmpdir(), 'complaints-crash-'));
let runtime: RuntimeProcess | undefined;

afterAll(async () => {
  await runtime?.stop('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('crash anywhere', () => {
  it(`keeps every complaint, once, through ${KILLS} kills (SIGKILL) of the product, and ${ARCHIVAL_KILLS} during archival`, {
    timeout: SOAK ? 3_600_000 : 600_000,
  }, async () => {
    const port = await freePort();
    // The staff IdP stays where it is while the product restarts: its issuer (and so the tokens) too.
    const oidcPort = await freePort();
    // A manual clock, one minute later at each start (time never runs backwards across a
    // restart), and a one-day hot retention, so that archival is a clock move away.
    let clockAt = Date.parse('2026-03-02T01:00:00.000Z'); // Monday 09:00 in Shanghai
    const env = () => ({
      DATA_DIR: dataDir,
      COMPLAINT_REGION: 'cn',
      PORT: String(port),
      OIDC_PORT: String(oidcPort),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      LOCAL_CLOCK_START: new Date((clockAt += 60_000)).toISOString(),
      HOT_RETENTION_SECONDS: '86400',
    });
    const start = async () => {
      const t = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          runtime = await startRuntimeProcess(env(), { crashable: true });
          return Date.now() - t;
        } catch (e) {
          if (attempt >= 3) throw e; // e.g. the port still held for a moment by the killed process
        }
      }
    };
    const client = new ResilientClient(() => `http://127.0.0.1:${port}`, SOAK ? 600_000 : 300_000);
    const planned = PLAN.kills.map((k) => `${k.kind}@${k.at}`).join(', ');
    console.log(
      `crash test: SEED=${SEED} plan ${planDigest(PLAN)}: complaints=${COMPLAINTS} kills=${KILLS} (${planned}) +${ARCHIVAL_KILLS} during archival (replay with SEED=${SEED})`,
    );
    const restarts: number[] = [await start()];
    const all = PLAN.complaints;

    // ---- the kills ----------------------------------------------------------------------
    // Progress, as the test's HTTP client reports it (undici's diagnostics channels): a request
    // sent in full, an answer received. A kill point fires on the event that reaches it.
    type Kind = KillPoint['kind'] | 'archival';
    const kills: { kind: Kind; at?: number; progressAtKill?: number; during: string; inFlight: string; archivedAtKill?: number }[] = [];
    const progress = { intake: 0, staff: 0, workflow: 0, anywhere: 0 };
    const waiting = [...PLAN.kills];
    let finished = false;
    let restarting: Promise<void> = Promise.resolve();
    let down = false;
    const kindOf = (method: string, path: string) =>
      method === 'POST' && path.startsWith('/api/complaints') ? 'intake' : method !== 'GET' && path.startsWith('/api/staff/') ? 'staff' : 'read';
    const fire = (kind: KillPoint['kind']) => {
      if (finished || down) return;
      const i = waiting.findIndex((k) => k.kind === kind && progress[kind] >= k.at);
      if (i < 0) return;
      const [point] = waiting.splice(i, 1);
      // What was under way on the server when it died.
      const under = [client.inFlight.intake > 0 && 'intake', client.inFlight.staff > 0 && 'staff action', kind === 'workflow' && 'workflow'].filter(Boolean);
      kills.push({
        kind,
        at: point.at,
        progressAtKill: progress[kind],
        during: under.length ? under.join(' + ') : 'anywhere',
        inFlight: `intake ${client.inFlight.intake}, staff ${client.inFlight.staff}`,
      });
      client.note('*', `KILL ${kind}@${point.at}`);
      down = true;
      const rt = runtime!;
      restarting = (async () => {
        await rt.crash(); // SIGKILL is sent synchronously, at this very event (then the store is stopped)
        restarts.push(await start());
        down = false;
      })();
    };
    /** undici's message on its request channels (what this test reads of it). */
    type Message = { request: { method: string; path: string }; response?: { statusCode: number } };
    const sent = (m: unknown) => {
      const { request } = m as Message;
      const kind = kindOf(request.method, request.path);
      if (kind === 'read') return;
      progress[kind]++;
      fire(kind);
    };
    const answered = (m: unknown) => {
      const { request, response } = m as Message;
      const kind = kindOf(request.method, request.path);
      progress.anywhere++;
      if (kind === 'staff' && response && response.statusCode < 300) {
        progress.workflow++;
        fire('workflow');
      }
      fire('anywhere');
    };
    subscribe('undici:request:bodySent', sent);
    subscribe('undici:request:headers', answered);
    const chaos = {
      stop: async () => {
        unsubscribe('undici:request:bodySent', sent);
        unsubscribe('undici:request:headers', answered);
        await restarting;
      },
    };

    // ---- the journeys -------------------------------------------------------------------
    // Customers arrive over time (each submit retried through crashes with its key); staff
    // take submitted complaints from the queue and work them to the end.
    const refs = new Map<string, string>(); // Idempotency-Key -> reference
    const submitted: { p: Plan; ref: string }[] = [];
    const arrivals = (async () => {
      const pending: Promise<void>[] = [];
      for (const p of all) {
        await new Promise((r) => setTimeout(r, PLAN.arrivalPausesMs[p.i]));
        pending.push(
          client.submit(p.body, p.key).then(({ reference }) => {
            const earlier = refs.get(p.key);
            if (earlier && earlier !== reference) throw new Error(`key ${p.key} gave two references: ${earlier}, ${reference}`);
            refs.set(p.key, reference);
            submitted.push({ p, ref: reference });
          }),
        );
      }
      await Promise.all(pending);
    })();
    let arrived = false;
    void arrivals.finally(() => {
      arrived = true;
    });
    const work = (p: Plan, ref: string) =>
      workToClose(client, ref, { path: p.path, lead: p.path === 'major' ? 'mia' : p.handler, satisfaction: p.satisfaction, tag: p.key });
    const staff = Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const next = submitted.shift();
        if (next) {
          await work(next.p, next.ref);
          continue;
        }
        if (arrived) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    try {
      await Promise.all([arrivals, ...staff]);
    } finally {
      finished = true;
      await chaos.stop();
    }

    // ---- what is left -------------------------------------------------------------------
    const rt = runtime!;
    let { ddb, sfn } = clients({ ...rt, awsRegion: 'cn-north-1' });
    const references = [...refs.values()];
    expect(refs.size).toBe(COMPLAINTS);
    expect(new Set(references).size).toBe(COMPLAINTS); // one complaint per Idempotency-Key ...
    expect(await countComplaints(ddb, TABLE)).toBe(COMPLAINTS); // ... and no other in the table

    const details = new Map<string, Detail>();
    for (const p of all) {
      const ref = refs.get(p.key)!;
      // Every email went out (the delivery consumer may still be catching up after the last restart).
      const d = await client.waitFor(ref, (x) => x.messages.every((m) => m.status !== 'queued' && m.status !== 'sending'), 'every message delivered', 60_000);
      details.set(ref, d);
      expect(d.complaint).toMatchObject({ status: 'CLOSED', closure: 'resolved-satisfied' });
      expect(withoutResumes(d), `history of ${ref} (${p.path}); actions sent: ${client.trail(ref)}`).toEqual(EXPECTED_HISTORY[p.path]);
      expect(d.messages.filter((m) => m.status === 'failed')).toEqual([]);
      const kinds = d.messages
        .filter((m) => m.audience === 'customer')
        .map((m) => m.kind)
        .sort();
      const rounds = p.path === 'reopened' ? 2 : 1;
      // The satisfaction question rides in each reply: no survey message of its own.
      expect(kinds, `customer messages of ${ref}`).toEqual(['acknowledgement', ...Array(rounds).fill('reply')]);
    }

    // No duplicate workflow: at most one execution finished per complaint - its last one - and
    // none is left running. (A kill between Close's commit and the end of its execution leaves
    // that execution ABORTED, with the complaint correctly closed.)
    // Both state machines, as the runtime prints them: new complaints' and resumed ones'.
    const stateMachineArns = [...rt.output().matchAll(/arn:aws(?:-cn)?:states:[\w-]+:\d+:stateMachine:[\w-]+/g)].map((m) => m[0]);
    expect(new Set(stateMachineArns).size).toBe(2);
    const list = async (statusFilter: 'SUCCEEDED' | 'RUNNING') =>
      (
        await Promise.all(
          [...new Set(stateMachineArns)].map(
            async (stateMachineArn) => (await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter, maxResults: 1000 }))).executions ?? [],
          ),
        )
      ).flat();
    const executions = [...(await list('SUCCEEDED')), ...(await list('RUNNING'))];
    for (const ref of references) {
      const mine = executions.filter((e) => e.name === ref || e.name!.startsWith(`${ref}--r`));
      const succeeded = mine.filter((e) => e.status === 'SUCCEEDED').map((e) => e.name);
      expect(succeeded.length, `executions of ${ref}: ${succeeded.join(', ')}`).toBeLessThanOrEqual(1);
      if (succeeded.length) expect(succeeded[0]).toBe(details.get(ref)!.complaint.executionName);
      expect(mine.filter((e) => e.status === 'RUNNING')).toEqual([]);
    }

    // ---- archival, killed half-way ---------------------------------------------------------
    // Past the retention: TTL removes every item of every complaint, TableChanges stages
    // them and writes one locked object per complaint. Killed while that is under way.
    clockAt = Date.parse('2026-03-05T01:00:00.000Z');
    const archiveDir = join(dataDir, 's3', 'complaints-archive', 'complaints');
    const archivedSoFar = () =>
      existsSync(archiveDir) ? readdirSync(archiveDir, { recursive: true }).filter((f) => String(f).endsWith('.json.gz')).length : 0;
    for (let k = 0; k < ARCHIVAL_KILLS; k++) {
      // The first move of the clock expires everything; after a restart, TTL carries on.
      void client
        .once('read', 'POST', k === 0 ? '/__local/clock' : '/__local/ttl/sweep', k === 0 ? { now: new Date(clockAt).toISOString() } : undefined)
        .catch(() => undefined);
      // Aim: once archival has made progress since the last kill (it is under way, and not done).
      const before = archivedSoFar();
      const aimUntil = Date.now() + 20_000;
      while (archivedSoFar() <= before && Date.now() < aimUntil) await new Promise((r) => setTimeout(r, 20));
      // Killed at once at that observable point (a random delay let archival finish first, and the
      // kill then missed what it aims at); the count at the kill is asserted below (issue 23).
      const archivedAtKill = archivedSoFar();
      kills.push({ kind: 'archival', during: `archival (${archivedAtKill}/${COMPLAINTS} archived)`, inFlight: '', archivedAtKill });
      await runtime!.crash();
      restarts.push(await start());
    }
    const reconciled = await eventually(
      async () => {
        await client.once('read', 'POST', '/__local/ttl/sweep');
        await client.once('read', 'POST', '/__local/streams/drain');
        const r = await client.once('read', 'POST', '/__local/reconcile');
        return r.body?.archived === COMPLAINTS && r.body.staging === 0 && r.body;
      },
      SOAK ? 600_000 : 120_000,
      'every complaint archived',
    );
    // Every complaint ever registered is in the archive, once, its history matching its digest.
    expect(reconciled).toMatchObject({ registered: COMPLAINTS, inTable: 0, archived: COMPLAINTS, staging: 0, missing: [], mismatched: [] });
    expect(archivedSoFar()).toBe(COMPLAINTS);
    ({ ddb, sfn } = clients({ ...runtime!, awsRegion: 'cn-north-1' }));
    expect(await countComplaints(ddb, TABLE)).toBe(0); // ... and gone from the hot table, every item of it
    const left = await ddb.send(
      new ScanCommand({ TableName: TABLE, FilterExpression: 'begins_with(PK, :c)', ExpressionAttributeValues: { ':c': 'COMPLAINT#' } }),
    );
    expect((left.Items ?? []).map((i) => `${i.PK} ${i.SK}`)).toEqual([]);

    const resumes = [...details.values()].reduce((n, d) => n + count(d, 'workflow-resumed'), 0);
    console.log(
      [
        `crash test: SEED=${SEED}: ${COMPLAINTS} complaints, ${kills.length} kills`,
        `  plan ${planDigest(PLAN)}; kills (aimed at -> landed during [requests in flight]): ${kills.map((k) => `${k.kind}${k.at ? `@${k.at} (at ${k.progressAtKill})` : ''} -> ${k.during} [${k.inFlight}]`).join('; ')}`,
        `  restart times (ms): ${restarts.join(', ')}`,
        `  workflows resumed: ${resumes}; client: ${JSON.stringify(client.stats)}`,
        `  lost 0, duplicated 0`,
      ].join('\n'),
    );
    // Every planned kill point was hit, at or after its progress count (and none other).
    const hit = kills.filter((k) => k.kind !== 'archival');
    expect(waiting, 'planned kill points never reached').toEqual([]);
    expect(hit.map((k) => `${k.kind}@${k.at}`).sort()).toEqual(PLAN.kills.map((k) => `${k.kind}@${k.at}`).sort());
    for (const k of hit) expect(k.progressAtKill, `${k.kind}@${k.at}`).toBeGreaterThanOrEqual(k.at!);
    expect(kills.length).toBe(KILLS + ARCHIVAL_KILLS);
    // Each archival kill landed while archival was under way: after some progress, before the end.
    for (const k of kills.filter((x) => x.kind === 'archival')) {
      expect(k.archivedAtKill, k.during).toBeGreaterThan(0);
      expect(k.archivedAtKill, k.during).toBeLessThan(COMPLAINTS);
    }
    // The kills landed where they were aimed: a submission or a staff action sent and not yet
    // answered (killed at the moment it was sent in full).
    for (const k of hit.filter((x) => x.kind === 'intake')) expect(k.during, `${k.kind}@${k.at}`).toContain('intake');
    for (const k of hit.filter((x) => x.kind === 'staff')) expect(k.during, `${k.kind}@${k.at}`).toContain('staff action');
  });
});
