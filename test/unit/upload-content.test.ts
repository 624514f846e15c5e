/**
 * Issue 16 finding 7: uploads. The type is detected from the content (file-type) and the whole
 * file must parse as what it claims - a PNG+HTML polyglot is refused; one upload belongs to one
 * complaint.
 */
import { describe, expect, it } from 'vitest';
import { checkContent } from '../../functions/domain/file-content.ts';
import type { AttachmentStore } from '../../functions/domain/ports.ts';
import { REGIONS } from '../../functions/domain/regions.ts';
import { SubmitComplaintRequest } from '../../functions/contract/submit-complaint.schema.ts';
import { ManualClock } from '../../functions/shared/clock.ts';
import { verifyAttachments } from '../../functions/use-cases/intake/attachments.ts';
import { planAttachments } from '../../functions/domain/email-intake.ts';
import { submitComplaint } from '../../functions/use-cases/intake/submit-complaint.ts';
import { FakeRepository, FakeWorkflow } from '../support/fakes.ts';
import { concat, GIF, HTML, JPEG, minimalPdf, PNG, WEBP } from '../support/files.ts';
import { productionCalendar } from '../support/calendars.ts';

class Uploads implements AttachmentStore {
  files = new Map<string, { bytes: Uint8Array; contentType: string }>();
  async presignUpload(): Promise<never> {
    throw new Error('not used');
  }
  async head(key: string) {
    const f = this.files.get(key);
    return f && { size: f.bytes.length, contentType: f.contentType };
  }
  async put(key: string, bytes: Uint8Array, contentType: string) {
    this.files.set(key, { bytes, contentType });
  }
  async get(key: string, firstBytes?: number) {
    const f = this.files.get(key);
    return f && (firstBytes ? f.bytes.subarray(0, firstBytes) : f.bytes);
  }
}

let n = 0;
async function uploaded(store: Uploads, bytes: Uint8Array, contentType: string) {
  const key = `uploads/2026-03-02/${String(++n).padStart(8, '0')}-0000-4000-8000-000000000000`;
  await store.put(key, bytes, contentType);
  return { key, name: `file-${n}`, contentType, size: bytes.length };
}
const verify = async (bytes: Uint8Array, contentType: string) => {
  const store = new Uploads();
  return verifyAttachments([await uploaded(store, bytes, contentType)], store, 10 * 1024 * 1024).then(
    () => 'accepted',
    (e) => e.issues,
  );
};
const refusedContent = [{ field: 'attachments.0.contentType', message: "does not match the file's content" }];

describe('real files are accepted', () => {
  it.each([
    ['image/png', PNG],
    ['image/jpeg', JPEG],
    ['image/gif', GIF],
    ['image/webp', WEBP],
    ['application/pdf', minimalPdf()],
  ] as const)('%s', async (type, bytes) => {
    expect(await verify(bytes, type)).toBe('accepted');
    expect(checkContent(bytes, type)).toMatchObject({ ok: true, ...(type === 'application/pdf' ? {} : { width: 16, height: 16 }) });
  });
});

describe('what real devices write is accepted', () => {
  it('a PDF padded with NULs after %%EOF (some scanners)', async () => {
    expect(await verify(concat(minimalPdf(), new Uint8Array(4096)), 'application/pdf')).toBe('accepted');
  });

  it("a JPEG with a phone's trailer after EOI (binary, no markup)", async () => {
    expect(await verify(concat(JPEG, 'SEFH', new Uint8Array([1, 0, 0, 0, 0x0a, 0x30, 0, 0]), JPEG, 'SEFT'), 'image/jpeg')).toBe('accepted');
  });
});

describe('polyglots and files that are not what they claim are refused', () => {
  it.each([
    ['a PNG with an HTML page appended', 'image/png', concat(PNG, HTML)],
    [
      'a PNG with an HTML page in a text chunk',
      'image/png',
      (() => {
        // A well-formed tEXt chunk (right CRC) before IEND: structurally fine, but a web page too.
        const text = Buffer.from(`Comment\0${HTML}`, 'latin1');
        const chunk = Buffer.alloc(12 + text.length);
        chunk.writeUInt32BE(text.length, 0);
        chunk.write('tEXt', 4, 'latin1');
        text.copy(chunk, 8);
        chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + text.length)), 8 + text.length);
        return concat(PNG.subarray(0, PNG.length - 12), chunk, PNG.subarray(PNG.length - 12));
      })(),
    ],
    ['a PNG signature and an HTML page', 'image/png', concat(PNG.subarray(0, 16), HTML)],
    ['a truncated PNG', 'image/png', PNG.subarray(0, PNG.length - 20)],
    ['a JPEG with an HTML page after EOI', 'image/jpeg', concat(JPEG, HTML)],
    ['a GIF with an HTML page after the trailer', 'image/gif', concat(GIF, HTML)],
    [
      'a GIF comment holding a page',
      'image/gif',
      concat(
        GIF.subarray(0, 13 + 3 * 2 ** ((GIF[10] & 7) + 1)),
        Buffer.from([0x21, 0xfe, Math.min(HTML.length, 255)]),
        Buffer.from(HTML.slice(0, 255), 'latin1'),
        Buffer.from([0]),
        GIF.subarray(13 + 3 * 2 ** ((GIF[10] & 7) + 1)),
      ),
    ],
    ['a WebP with a page appended', 'image/webp', concat(WEBP, HTML)],
    ['"%PDF-1.7" and zeros', 'application/pdf', concat('%PDF-1.7\n', new Uint8Array(55))],
    ['a PDF with a page after %%EOF', 'application/pdf', concat(minimalPdf(), HTML)],
    [
      'a PDF whose startxref points nowhere',
      'application/pdf',
      new TextEncoder().encode(new TextDecoder().decode(minimalPdf()).replace(/startxref\n\d+/, 'startxref\n12')),
    ],
    ['a PDF holding a page in a comment', 'application/pdf', concat('%PDF-1.4\n%', HTML, '\n', minimalPdf().subarray(9))],
    ['an HTML page declared as a PNG', 'image/png', new TextEncoder().encode(HTML)],
    ['a PNG declared as a PDF', 'application/pdf', PNG],
  ] as const)('%s', async (_name, type, bytes) => {
    expect(await verify(bytes, type)).toEqual(refusedContent);
  });

  it('impossible dimensions: a 0x0 PNG header is refused', async () => {
    const bad = Buffer.from(PNG);
    bad.writeUInt32BE(0, 16);
    bad.writeUInt32BE(0, 20);
    bad.writeUInt32BE(crc32(bad.subarray(12, 29)), 29);
    expect(checkContent(bad, 'image/png')).toEqual({ ok: false, problem: 'has impossible dimensions (0x0)' });
    expect(await verify(bad, 'image/png')).toEqual(refusedContent);
  });
});

describe('one upload belongs to one complaint', () => {
  it('an uploaded key accepted by one complaint is refused for another (and for a staff-keyed one); the first keeps it', async () => {
    const repo = new FakeRepository();
    const store = new Uploads();
    const region = REGIONS.cn;
    const deps = {
      repo,
      workflow: new FakeWorkflow(),
      clock: new ManualClock(new Date('2026-03-02T01:00:00Z')),
      region,
      calendar: productionCalendar(region.name),
      attachments: () => store,
      attachmentMaxBytes: 10 * 1024 * 1024,
    };
    const file = await uploaded(store, minimalPdf(), 'application/pdf');
    const body = (email: string, description: string) =>
      SubmitComplaintRequest.parse({
        complainant: { name: 'Li Wei', contact: { email } },
        matter: { description },
        consent: { personalData: true },
        attachments: [file],
      });
    const first = await submitComplaint(body('li.wei@example.com', 'The fee was charged twice, statement attached'), { channel: 'web' }, deps);
    expect(repo.complaints.get(first.body.reference)!.attachments?.map((a) => a.key)).toEqual([file.key]);
    const complaints = repo.complaints.size;
    for (const [ctx, email] of [
      [{ channel: 'web' as const }, 'someone.else@example.com'],
      [{ channel: 'phone' as const, receivedBy: 'sam' }, 'third@example.com'],
    ] as const) {
      const e = await submitComplaint(body(email, 'My mortgage payment was lost, see the file'), ctx, deps).catch((x) => x);
      expect(e.statusCode).toBe(400);
      expect(e.issues).toEqual([{ field: 'attachments.0.key', message: 'belongs to another complaint' }]);
    }
    expect(repo.complaints.size).toBe(complaints);
    // The same request retried with its Idempotency-Key is the first complaint's answer, not a refusal.
    const keyed = await uploaded(store, PNG, 'image/png');
    const req = SubmitComplaintRequest.parse({
      complainant: { name: 'Ana', contact: { email: 'ana@example.com' } },
      matter: { description: 'Card blocked abroad' },
      consent: { personalData: true },
      attachments: [keyed],
    });
    const a = await submitComplaint(req, { channel: 'web', idempotencyKey: 'k-1' }, deps);
    const b = await submitComplaint(req, { channel: 'web', idempotencyKey: 'k-1' }, deps);
    expect(b.body.reference).toBe(a.body.reference);
  });
});

describe('email attachments (screened by the intake)', () => {
  it('a PNG+HTML polyglot sent by email is not kept; the real PNG is', () => {
    const parts = [concat(PNG, HTML), PNG].map((content, i) => ({ filename: `p${i}.png`, contentType: 'image/png', size: content.length, content }));
    const plan = planAttachments(parts, { allowedTypes: ['image/png'], maxBytes: 1e7, maxCount: 5 });
    expect(plan.keep.map((k) => k.name)).toEqual(['p1.png']);
    expect(plan.skipped).toEqual([{ name: 'p0.png', contentType: 'image/png', reason: 'content does not match its type' }]);
  });
});

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
