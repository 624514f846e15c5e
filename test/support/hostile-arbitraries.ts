/**
 * fast-check arbitraries for hostile input, shared by the property tests (unit) and the
 * hostile-input run against the local runtime (integration): odd Unicode, wrong types, huge
 * strings, deep nesting, mutations of a valid request at a known path.
 */
import fc from 'fast-check';

/**
 * Runs of a property: the number given (what `npm test` does), times PROPERTY_SOAK for a
 * longer soak (e.g. PROPERTY_SOAK=20 npx vitest run test/unit/property- test/integration/hostile-input.test.ts).
 */
export const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env.PROPERTY_SOAK ?? 1)));

/** Characters that break naive code: lone surrogates, bidi overrides, zero-width, NUL and other controls, emoji, combining marks, BOM. */
export const ODD_CHARS = [
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF', // lone surrogates
  '\u202E',
  '\u202D',
  '\u2066',
  '\u2067',
  '\u200F', // bidi overrides, isolates, RTL mark
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF', // zero-width space / joiners, word joiner, BOM
  '\u0000',
  '\u0007',
  '\u0008',
  '\u001B',
  '\u007F',
  '\u0085', // NUL, bell, backspace, escape, DEL, NEL
  '\r',
  '\n',
  '\t',
  '\u2028',
  '\u2029',
  '\u00A0',
  '\u3000', // line and space oddities
  '😀',
  '👨‍👩‍👧',
  '🏳️‍🌈',
  '\u{1F1E8}\u{1F1F3}', // emoji, ZWJ sequences, flags
  '\u0301',
  'e\u0301',
  '\u0E33',
  'ﷺ',
  'ǅ',
  'ß',
  'İ',
  'Ａ', // combining marks, ligatures, case oddities, full width
  '"',
  "'",
  '\\',
  '<',
  '>',
  '&',
  '%',
  '${',
  '{{',
  '__proto__',
  'constructor', // quoting and template and prototype bait
  '投诉',
  'مرحبا',
  'שלום',
  '한국어', // CJK, Arabic, Hebrew, Hangul
] as const;

/** A short string mixing ordinary text with odd characters. */
export const oddString = (maxLength = 40): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 2, arbitrary: fc.constantFrom(...ODD_CHARS) }), { maxLength })
    .map((parts) => parts.join(''));

/** Any string: ordinary, odd, or huge (beyond every field limit, sometimes beyond the body limit). */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: oddString() },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u200B', '\u0000', '\uD800', 'null', 'undefined', 'NaN', '0', '-1', 'true', '[]', '{}') },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('x', '费', '😀', '\u200B', '<script>'), fc.integer({ min: 150, max: 12_000 })).map(([c, n]) => c.repeat(n)),
    },
  );

/** A value of any JSON type, hostile strings included; arrays and objects nest a few levels. */
export const hostileJson = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileString(),
      fc.constantFrom(null, true, false, 0, -0, 1, -1, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e-320, 150, 151, 5, 6),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(oddString(8), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString')), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

/** Nesting 50 to 1,000 levels deep: arrays or objects (deeper ones are sent as raw text: malformedBodies). */
export const deeplyNested = (): fc.Arbitrary<unknown> =>
  fc.tuple(fc.integer({ min: 50, max: 1_000 }), fc.boolean()).map(([depth, arrays]) => {
    let v: unknown = 'bottom';
    for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
    return v;
  });

/** Paths (object keys) of a JSON value, as arrays: every place a mutation can hit. */
export function pathsOf(v: unknown, prefix: string[] = []): string[][] {
  if (!v || typeof v !== 'object') return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, String(i)], ...pathsOf(x, [...prefix, String(i)])]);
  return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...pathsOf(x, [...prefix, k])]);
}

export type Mutation =
  | { kind: 'set'; path: string[]; value: unknown }
  | { kind: 'delete'; path: string[] }
  | { kind: 'unknown-key'; path: string[]; key: string; value: unknown };

/** A copy of `base` with the mutation applied (`path` [] for the top level of unknown-key). */
export function mutate(base: unknown, m: Mutation): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const parentPath = m.kind === 'unknown-key' ? m.path : m.path.slice(0, -1);
  let parent: Record<string, unknown> = copy;
  for (const k of parentPath) parent = parent[k] as Record<string, unknown>;
  if (m.kind === 'set') parent[m.path[m.path.length - 1]] = m.value;
  else if (m.kind === 'delete') delete parent[m.path[m.path.length - 1]];
  else Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Mutations of a valid request: a field set to a hostile value, a field removed, an unknown key added. */
export function mutations(valid: unknown): fc.Arbitrary<Mutation> {
  const paths = pathsOf(valid);
  const objectPaths = [
    [],
    ...paths.filter((p) => {
      let v: unknown = valid;
      for (const k of p) v = (v as Record<string, unknown>)[k];
      return !!v && typeof v === 'object' && !Array.isArray(v);
    }),
  ];
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...paths), value: fc.oneof(hostileJson(), deeplyNested()) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...paths) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('unknown-key' as const),
        path: fc.constantFrom(...objectPaths),
        key: fc.oneof(oddString(10), fc.constantFrom('__proto__', 'constructor', 'isAdmin', 'reference', 'status')).filter((k) => k.length > 0),
        value: hostileJson(),
      }),
    },
  );
}

/**
 * Whether a field named in a 400 is the one a mutation hit: that field, a field inside it, or
 * the object that holds it; '(body)' only where the schema has a rule over the whole body.
 */
export function namesMutatedField(field: string, m: Mutation, rootRule?: boolean): boolean {
  // A key with nothing visible is named in quotes (`{"": 1}` names `""`).
  const named = (k: string | number) => (/\S/.test(String(k)) ? String(k) : JSON.stringify(String(k)));
  const hit = (m.kind === 'unknown-key' ? [...m.path, m.key] : m.path).map(named).join('.');
  if (field === '(body)') return !!rootRule || hit === '';
  return field === hit || field.startsWith(`${hit}.`) || hit.startsWith(`${field}.`);
}

/** Content types a client might send, right and wrong. */
export const contentTypes = (): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    fc.constantFrom(
      undefined,
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/problem+json',
      'application/vnd.api+json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/octet-stream',
      'application/jsonp',
      'application/json-patch',
      'json',
      '',
      ' application/json',
      'application/json\u0000',
      'application/😀+json',
      '*/*',
    ),
    oddString(20),
  );

/** Bodies that are not a JSON object: malformed JSON, other formats, random bytes. */
export const malformedBodies = (): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof(
    fc.constantFrom(
      '{',
      '}',
      '{"complainant":',
      '{"a":1,}',
      "{'a':1}",
      '[1,2',
      'nul',
      'tru',
      '"unterminated',
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"a":01}',
      '{"a":"\\x41"}',
      '{"a":"\\ud800"}',
      '\uFEFF{}',
      '<xml/>',
      'a=1&b=2',
      '--x\r\nContent-Disposition: form-data\r\n\r\n',
      '{"__proto__":{"polluted":true}}',
    ),
    fc.uint8Array({ maxLength: 200 }),
    oddString(60),
    fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    fc.integer({ min: 1, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  );

// ---------------------------------------------------------------------------------------
// Mail

/** Charsets a message may declare that no decoder (or only a surprising one) knows. */
export const BAD_CHARSETS = [
  'x-unknown',
  'utf-7',
  'constructor',
  '__proto__',
  '',
  'utf-8"',
  'gb18030',
  'iso-2022-jp-3',
  'ucs-4',
  'utf-16',
  'binary',
  'us-ascii\u0000',
];

export type MailMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'cut'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'huge-header'; name: string; size: number }
  | { kind: 'many-headers'; count: number }
  | { kind: 'charset'; charset: string }
  | { kind: 'text'; at: number; text: string };

/** Where in the message, as a fraction of its length. */
const at = fc.double({ min: 0, max: 1, noNaN: true });
/** A change to a raw message: truncated, bytes flipped, inserted, cut or repeated, huge or many headers, a bad charset, odd text. */
export const mailMutation = (): fc.Arbitrary<MailMutation> =>
  fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('flip' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({ kind: fc.constant('cut' as const), at, length: fc.integer({ min: 1, max: 4000 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), at, length: fc.integer({ min: 1, max: 2000 }) }),
    fc.record({
      kind: fc.constant('huge-header' as const),
      name: fc.constantFrom('Subject', 'From', 'References', 'X-Junk', 'Content-Type'),
      size: fc.integer({ min: 1_000, max: 300_000 }),
    }),
    fc.record({ kind: fc.constant('many-headers' as const), count: fc.integer({ min: 100, max: 5_000 }) }),
    fc.record({ kind: fc.constant('charset' as const), charset: fc.constantFrom(...BAD_CHARSETS) }),
    fc.record({ kind: fc.constant('text' as const), at, text: oddString(20) }),
  );

export function mutateMail(raw: Buffer, m: MailMutation): Buffer {
  const i = 'at' in m ? Math.floor(m.at * raw.length) : 0;
  switch (m.kind) {
    case 'truncate':
      return raw.subarray(0, i);
    case 'flip': {
      const b = Buffer.from(raw);
      if (b.length) b[Math.min(i, b.length - 1)] = m.byte;
      return b;
    }
    case 'insert':
      return Buffer.concat([raw.subarray(0, i), m.bytes, raw.subarray(i)]);
    case 'cut':
      return Buffer.concat([raw.subarray(0, i), raw.subarray(i + m.length)]);
    case 'duplicate':
      return Buffer.concat([raw.subarray(0, i + m.length), raw.subarray(i)]);
    case 'huge-header':
      return Buffer.concat([Buffer.from(`${m.name}: ${'A'.repeat(m.size)}\r\n`), raw]);
    case 'many-headers':
      return Buffer.concat([Buffer.from(Array.from({ length: m.count }, (_, i) => `X-H${i}: v${i}\r\n`).join('')), raw]);
    case 'charset':
      return Buffer.from(raw.toString('latin1').replace(/charset=("?)[^";\s]*\1/gi, `charset="${m.charset}"`), 'latin1');
    case 'text':
      return Buffer.concat([raw.subarray(0, i), Buffer.from(m.text, 'utf8'), raw.subarray(i)]);
  }
}
