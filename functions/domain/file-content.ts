/**
 * Whether a file is, all through, what its type says (issue 16 #7). The type itself is
 * detected from the content by a maintained detector (file-type, in use-cases/intake/attachments.ts);
 * this checks the structure the detector does not: a PNG whose chunks all parse, with a CRC
 * each, and that ends at IEND - so an HTML page appended to a PNG (a polyglot a browser could
 * take for a page) is refused. Pure and synchronous; nothing is decoded (no pixel data, no
 * decompression), so a hostile file costs one pass over its bytes.
 *
 *  - PNG: signature, IHDR first (dimensions 1..65535, a valid bit depth and colour type), every
 *    chunk whole with a correct CRC, at least one IDAT, IEND last with nothing after it.
 *  - JPEG: SOI, marker segments whole, a frame header (SOFn) with dimensions, the scans, EOI;
 *    after EOI, whatever phones append (depth maps, previews, vendor trailers) - no markup.
 *  - GIF: header, logical screen dimensions, colour tables, blocks and sub-blocks whole, at least
 *    one image, the trailer (0x3B) as the last byte.
 *  - WebP: RIFF size equal to the file's, a VP8 / VP8L / VP8X first chunk with its dimensions,
 *    every chunk whole to the end.
 *  - PDF: the %PDF-n.m header, a last startxref whose offset points at an xref table (or an xref
 *    stream object) inside the file, then %%EOF and nothing but whitespace or NUL padding.
 *  - Any of them: no HTML markup (<html, <script, <iframe...) anywhere in the file.
 */

export type ContentCheck = { ok: true; width?: number; height?: number } | { ok: false; problem: string };

const MAX_SIDE = 65_535;
/** Larger images are decompression bombs, not photographs of a letter. */
const MAX_PIXELS = 200_000_000;

/**
 * Markup a browser would render if it took the file for a page. Tags of five letters or more
 * only: a shorter one (<svg>, <body>) turns up by chance in compressed image data about once in
 * a thousand 10 MB photographs; these, about once in a hundred thousand.
 */
const MARKUP = /<(?:!doctype\s+html|html[\s>]|script[\s>/]|iframe[\s>/]|object[\s>/]|embed[\s>/])/i;

const fail = (problem: string): ContentCheck => ({ ok: false, problem });
const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
const u32le = (b: Uint8Array, i: number) => b[i] + (b[i + 1] << 8) + (b[i + 2] << 16) + ((b[i + 3] << 24) >>> 0);
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

function dimensions(width: number, height: number): ContentCheck {
  if (!(width >= 1 && height >= 1 && width <= MAX_SIDE && height <= MAX_SIDE)) return fail(`has impossible dimensions (${width}x${height})`);
  if (width * height > MAX_PIXELS) return fail(`is too large an image (${width}x${height})`);
  return { ok: true, width, height };
}

let CRC_TABLE: Uint32Array | undefined;
function crc32(b: Uint8Array, from: number, to: number): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function png(b: Uint8Array): ContentCheck {
  if (ascii(b, 1, 3) !== 'PNG' || b[0] !== 0x89) return fail('is not a PNG');
  let i = 8;
  let dims: ContentCheck | undefined;
  let idat = false;
  for (let n = 0; ; n++) {
    if (i + 12 > b.length) return fail('is a truncated PNG');
    const length = u32be(b, i);
    const type = ascii(b, i + 4, 4);
    const end = i + 12 + length;
    if (length > 0x7fffffff || end > b.length) return fail('is a truncated PNG');
    if (!/^[A-Za-z]{4}$/.test(type)) return fail('has a malformed PNG chunk');
    if (crc32(b, i + 4, i + 8 + length) !== u32be(b, i + 8 + length)) return fail(`has a corrupt PNG chunk (${type})`);
    if (n === 0) {
      if (type !== 'IHDR' || length !== 13) return fail('is a PNG without its header');
      const depth = b[i + 16];
      const colour = b[i + 17];
      if (!PNG_DEPTHS[colour]?.includes(depth)) return fail('has an invalid PNG header');
      dims = dimensions(u32be(b, i + 8), u32be(b, i + 12));
      if (!dims.ok) return dims;
    } else if (type === 'IHDR') return fail('has a second PNG header');
    if (type === 'IDAT') idat = true;
    i = end;
    if (type === 'IEND') break;
  }
  if (!idat) return fail('is a PNG without image data');
  if (i !== b.length) return fail('has data after the end of the PNG');
  return dims!;
}

const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** One JPEG image from `start`: the offset just after its EOI, and its dimensions. */
function jpegImage(b: Uint8Array, start: number): { end: number; dims?: ContentCheck } | { problem: string } {
  if (b[start] !== 0xff || b[start + 1] !== 0xd8) return { problem: 'is not a JPEG' };
  let i = start + 2;
  let dims: ContentCheck | undefined;
  let scanned = false;
  while (i < b.length) {
    if (b[i] !== 0xff) return { problem: 'has a malformed JPEG segment' };
    while (b[i] === 0xff && i < b.length) i++; // fill bytes
    const marker = b[i++];
    if (marker === undefined) break;
    if (marker === 0xd9) {
      if (!dims || !scanned) return { problem: 'is a JPEG without an image' };
      return { end: i, dims };
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM, RSTn: no length
    if (i + 2 > b.length) break;
    const length = u16be(b, i);
    if (length < 2 || i + length > b.length) return { problem: 'is a truncated JPEG' };
    if (isSof(marker)) {
      if (length < 8) return { problem: 'has a malformed JPEG frame header' };
      dims = dimensions(u16be(b, i + 5), u16be(b, i + 3));
      if (!dims.ok) return { problem: dims.problem };
    }
    i += length;
    if (marker === 0xda) {
      if (!dims) return { problem: 'has a JPEG scan before its frame header' };
      scanned = true;
      // Entropy-coded data: up to the next marker that is not a stuffed 0xFF00 or a restart marker.
      while (i < b.length) {
        if (b[i] === 0xff && i + 1 < b.length && b[i + 1] !== 0x00 && !(b[i + 1] >= 0xd0 && b[i + 1] <= 0xd7) && b[i + 1] !== 0xff) break;
        i++;
      }
    }
  }
  return { problem: 'is a truncated JPEG (no end of image)' };
}

function jpeg(b: Uint8Array): ContentCheck {
  const first = jpegImage(b, 0);
  if ('problem' in first) return fail(first.problem);
  // After EOI, phones append their own data (multi-picture images, depth maps, Samsung's SEFT
  // trailer): a real photograph is not refused for it. It is still read for markup (checkContent).
  return first.dims!;
}

function gif(b: Uint8Array): ContentCheck {
  const version = ascii(b, 0, 6);
  if (version !== 'GIF87a' && version !== 'GIF89a') return fail('is not a GIF');
  if (b.length < 13) return fail('is a truncated GIF');
  const dims = dimensions(u16le(b, 6), u16le(b, 8));
  if (!dims.ok) return dims;
  let i = 13;
  if (b[10] & 0x80) i += 3 * (1 << ((b[10] & 0x07) + 1));
  const subBlocks = () => {
    while (i < b.length) {
      const n = b[i++];
      if (n === 0) return true;
      i += n;
    }
    return false;
  };
  let images = 0;
  while (i < b.length) {
    const block = b[i++];
    if (block === 0x3b) {
      if (images === 0) return fail('is a GIF without an image');
      return i === b.length ? dims : fail('has data after the end of the GIF');
    }
    if (block === 0x21) {
      i++; // label
      if (!subBlocks()) break;
    } else if (block === 0x2c) {
      if (i + 9 > b.length) break;
      const flags = b[i + 8];
      i += 9;
      if (flags & 0x80) i += 3 * (1 << ((flags & 0x07) + 1));
      i++; // LZW minimum code size
      if (!subBlocks()) break;
      images++;
    } else return fail('has a malformed GIF block');
  }
  return fail('is a truncated GIF (no trailer)');
}

function webp(b: Uint8Array): ContentCheck {
  if (ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return fail('is not a WebP image');
  if (u32le(b, 4) + 8 !== b.length) return fail('is a WebP image whose size does not match the file');
  let i = 12;
  let dims: ContentCheck | undefined;
  while (i < b.length) {
    if (i + 8 > b.length) return fail('is a truncated WebP image');
    const type = ascii(b, i, 4);
    const size = u32le(b, i + 4);
    const data = i + 8;
    if (data + size > b.length) return fail('is a truncated WebP image');
    if (!dims) {
      if (type === 'VP8 ' && size >= 10 && b[data + 3] === 0x9d && b[data + 4] === 0x01 && b[data + 5] === 0x2a)
        dims = dimensions(u16le(b, data + 6) & 0x3fff, u16le(b, data + 8) & 0x3fff);
      else if (type === 'VP8L' && size >= 5 && b[data] === 0x2f) {
        const bits = u32le(b, data + 1);
        dims = dimensions((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
      } else if (type === 'VP8X' && size >= 10) dims = dimensions(u24le(b, data + 4) + 1, u24le(b, data + 7) + 1);
      else return fail('is a WebP image without a valid header');
      if (!dims.ok) return dims;
    }
    i = data + size + (size & 1);
  }
  if (i !== b.length || !dims) return fail('is a malformed WebP image');
  return dims;
}

function pdf(b: Uint8Array): ContentCheck {
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  if (!/^%PDF-[12]\.\d/.test(text)) return fail('is not a PDF');
  let end = text.length;
  while (end > 0 && /[\s\0]/.test(text[end - 1])) end--;
  const tail = text.slice(Math.max(0, end - 2048), end);
  // After %%EOF only whitespace or NUL padding (some scanners pad their files).
  const trailer = /startxref\s+(\d+)\s+%%EOF$/.exec(tail);
  if (!trailer) return fail(/%%EOF$/.test(tail) ? 'is a PDF without its startxref' : 'is a truncated PDF (no %%EOF at its end)');
  const offset = Number(trailer[1]);
  if (!(offset > 0 && offset < b.length)) return fail('is a PDF whose startxref points outside the file');
  // At the offset (give or take a few bytes: readers repair offsets a sloppy writer got
  // slightly wrong, so a real statement is not refused for it): an xref table or stream.
  const near = text.slice(Math.max(0, offset - 16), offset + 64);
  const table = /(^|\s)xref\s/.test(near);
  const stream = /(^|\s)\d+\s+\d+\s+obj\b/.test(near) && /\/Type\s*\/XRef\b/.test(text.slice(Math.max(0, offset - 16), offset + 1024));
  if (!table && !stream) return fail('is a PDF whose startxref points at no cross-reference table');
  return { ok: true };
}

const CHECKS: Record<string, (b: Uint8Array) => ContentCheck> = {
  'image/png': png,
  'image/jpeg': jpeg,
  'image/gif': gif,
  'image/webp': webp,
  'application/pdf': pdf,
};

/** Whether the file holds HTML markup a browser would render (a polyglot), wherever it is. */
export function holdsMarkup(bytes: Uint8Array): boolean {
  return MARKUP.test(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
}

/** Whether `bytes` parse, whole, as `type` (one of the accepted attachment types), without markup. */
export function checkContent(bytes: Uint8Array, type: string): ContentCheck {
  const check = Object.hasOwn(CHECKS, type) ? CHECKS[type] : undefined;
  if (!check) return fail(`is of a type that is not accepted (${type})`);
  let result: ContentCheck;
  try {
    result = check(bytes);
  } catch {
    result = fail(`is not a valid ${type} file`);
  }
  if (!result.ok) return result;
  if (holdsMarkup(bytes)) return fail('holds HTML markup (a file that is also a web page)');
  return result;
}
