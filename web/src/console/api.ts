/**
 * The staff API from the console: every call carries `Authorization: Bearer <id_token>`;
 * a 401 (token expired, tampered or signed out elsewhere) hands control back to sign-in.
 */
import { requestJson, type ApiAnswer } from '../lib/page.ts';

export interface ErrorBody {
  error?: string;
  message?: string;
  fields?: { field: string; message: string }[];
}

export class StaffApi {
  constructor(
    private readonly base: string,
    private readonly token: () => string | undefined,
    private readonly onUnauthorized: () => void,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const token = this.token();
    return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
  }

  async call<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T & ErrorBody>> {
    if (!this.token()) {
      this.onUnauthorized();
      return { status: 401, body: undefined };
    }
    const answer = await requestJson<T & ErrorBody>(`${this.base}${path}`, { method, headers: this.headers(headers), body });
    if (answer.status === 401) this.onUnauthorized();
    return answer;
  }

  get<T = unknown>(path: string) {
    return this.call<T>('GET', path);
  }
  post<T = unknown>(path: string, body: unknown = {}, headers: Record<string, string> = {}) {
    return this.call<T>('POST', path, body, headers);
  }

  /** A file (CSV) fetched with the token; the caller saves it through a blob URL. */
  async download(path: string): Promise<{ status: number; blob?: Blob; filename?: string; message?: string }> {
    if (!this.token()) {
      this.onUnauthorized();
      return { status: 401 };
    }
    try {
      const res = await fetch(`${this.base}${path}`, {
        headers: this.headers({ accept: 'text/csv, application/json' }),
        credentials: 'omit',
        cache: 'no-store',
      });
      if (res.status === 401) this.onUnauthorized();
      if (!res.ok) {
        const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined;
        return { status: res.status, message: body?.message };
      }
      const disposition = res.headers.get('content-disposition') ?? '';
      const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1];
      return { status: res.status, blob: await res.blob(), filename };
    } catch {
      return { status: 0 };
    }
  }
}

export const complaintPath = (reference: string, action = '') => `/api/staff/complaints/${encodeURIComponent(reference)}${action ? `/${action}` : ''}`;
