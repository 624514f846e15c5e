/**
 * The CJK font of zh-CN PDF reports (issue 20, ADR 0022): WenQuanYi Micro Hei, Debian's
 * `fonts-wqy-microhei` (Apache-2.0 or GPL-3.0 with the font exception; about 5 MB, every GB 2312
 * character and more). Installed by the bootstrap where it can (root with apt-get); the local
 * runtime points REPORT_CJK_FONT at it; on AWS a Lambda layer carries the same file
 * (infra/constructs/report-font.ts) to the functions that render PDFs. A font collection (.ttc)
 * names its face after '#'.
 */
export const REPORT_FONT = {
  debianPath: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  /** The face of the collection (its PostScript name). */
  family: 'WenQuanYiMicroHei',
  /** Where a Lambda layer's `fonts/` folder appears in the function. */
  lambdaPath: '/opt/fonts/wqy-microhei.ttc',
} as const;

/** REPORT_CJK_FONT's value for a copy of the font at `path`. */
export function reportFontSetting(path: string): string {
  return `${path}#${REPORT_FONT.family}`;
}

/** REPORT_CJK_FONT read back: the file and, for a collection, the face. */
export function parseReportFontSetting(value: string): { path: string; family?: string } {
  const hash = value.lastIndexOf('#');
  return hash > 0 ? { path: value.slice(0, hash), family: value.slice(hash + 1) } : { path: value };
}
