/**
 * What both customer pages share: the runtime configuration (/config.json), the language
 * (region default first, the customer's choice remembered), static texts, dates, API calls.
 */
import { hasText, LANGUAGES, t, type Language, type TextKey } from './i18n.ts';

export interface PageConfig {
  region: string;
  languages: Language[];
  apiBase: string;
  timeZone: string;
  /** China: the site's ICP filing number (备案号), shown in every page's footer; absent elsewhere. */
  icpFilingNumber?: string;
}

/** Where an ICP filing number is looked up: the MIIT filing system every footer links to. */
export const ICP_FILING_LOOKUP = 'https://beian.miit.gov.cn/';

/** config.json's `icpFilingNumber`: a short one-line text, or nothing (anything else is ignored). */
export function icpFilingNumberOf(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  return text && text.length <= 64 && !/[\u0000-\u001f\u007f]/.test(text) ? text : undefined;
}

const TIME_ZONES: Record<string, string> = { cn: 'Asia/Shanghai', uk: 'Europe/London', us: 'America/New_York' };
const STORAGE_KEY = 'complaints.language';

function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

export async function loadConfig(): Promise<PageConfig> {
  let raw: Partial<{ region: unknown; languages: unknown; apiBase: unknown; timeZone: unknown; icpFilingNumber: unknown }> = {};
  try {
    const res = await fetch('/config.json', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (res.ok) raw = await res.json();
  } catch {
    // Offline or not served: the pages still work with their defaults.
  }
  const region = typeof raw.region === 'string' ? raw.region : 'cn';
  const languages = Array.isArray(raw.languages) ? raw.languages.filter(isLanguage) : [];
  return {
    region,
    languages: languages.length ? languages : region === 'cn' ? ['zh-CN', 'en'] : ['en', 'zh-CN'],
    apiBase: typeof raw.apiBase === 'string' ? raw.apiBase.replace(/\/+$/, '') : '',
    timeZone: typeof raw.timeZone === 'string' ? raw.timeZone : (TIME_ZONES[region] ?? 'UTC'),
    icpFilingNumber: icpFilingNumberOf(raw.icpFilingNumber),
  };
}

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function storeLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: not remembered */
  }
}

/** A page in the reader's language; `K` are the keys of its texts (the console adds its own). */
export class Page<K extends string = TextKey> {
  lang: Language;
  private listeners: ((lang: Language) => void)[] = [];

  constructor(
    readonly config: PageConfig,
    private readonly titleKey: NoInfer<K>,
    private readonly vars: Record<string, string | number> = {},
  ) {
    const stored = storedLanguage();
    this.lang = isLanguage(stored) && config.languages.includes(stored) ? stored : config.languages[0];
    this.renderLanguageSwitch();
    this.applyTexts();
    this.renderFilingNumber();
    document.documentElement.classList.add('ready');
  }

  t(key: K, vars: Record<string, string | number> = {}): string {
    return this.text(key, vars);
  }

  /** The text for any key (the HTML's data-i18n attributes name them): the key itself when there is none. */
  protected text(key: string, vars: Record<string, string | number> = {}): string {
    return hasText(key) ? t(this.lang, key, vars) : key;
  }

  onLanguageChange(fn: (lang: Language) => void): void {
    this.listeners.push(fn);
  }

  setLanguage(lang: Language): void {
    if (lang === this.lang) return;
    this.lang = lang;
    storeLanguage(lang);
    this.applyTexts();
    this.renderLanguageSwitch();
    for (const fn of this.listeners) fn(lang);
  }

  /** Fills every element marked data-i18n with its text in the current language. */
  applyTexts(root: ParentNode = document): void {
    document.documentElement.lang = this.lang;
    document.title = this.t(this.titleKey);
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = this.text(el.dataset.i18n!, this.vars);
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-label]')) el.setAttribute('aria-label', this.text(el.dataset.i18nLabel!, this.vars));
  }

  /**
   * The ICP filing number in the footer (#icp-filing), linked to the MIIT filing system, when
   * the configuration has one; otherwise the footer shows nothing of it. The same in every
   * language: it is the number as filed.
   */
  private renderFilingNumber(): void {
    const holder = document.getElementById('icp-filing');
    if (!holder) return;
    const number = this.config.icpFilingNumber;
    if (!number) {
      holder.replaceChildren();
      holder.hidden = true;
      return;
    }
    // A new tab: following it does not lose a half-filled form.
    holder.replaceChildren(el('a', { text: number, attrs: { href: ICP_FILING_LOOKUP, lang: 'zh-CN', target: '_blank', rel: 'noopener noreferrer' } }));
    holder.hidden = false;
    const footer = holder.closest('footer');
    if (footer) footer.hidden = false;
  }

  private renderLanguageSwitch(): void {
    const holder = document.getElementById('lang-switch');
    if (!holder) return;
    holder.setAttribute('aria-label', `${t('zh-CN', 'lang.group')} / ${t('en', 'lang.group')}`);
    const names: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };
    const buttons = this.config.languages.map((lang) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'lang-option';
      b.lang = lang;
      b.textContent = names[lang];
      b.setAttribute('aria-pressed', String(lang === this.lang));
      b.addEventListener('click', () => {
        this.setLanguage(lang);
        (holder.querySelector(`button[lang="${lang}"]`) as HTMLButtonElement | null)?.focus();
      });
      return b;
    });
    holder.replaceChildren(...buttons);
  }

  /** A date and time in the page's language, on the region's clock, with its zone. */
  formatDateTime(iso: string): string {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    const locale = this.lang === 'zh-CN' ? 'zh-CN' : this.config.region === 'us' ? 'en-US' : 'en-GB';
    return new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: this.config.timeZone,
      timeZoneName: 'short',
    }).format(d);
  }

  api(path: string): string {
    return `${this.config.apiBase}${path}`;
  }
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T | undefined;
}

/** A JSON request to the API. Network failures answer status 0. */
export async function requestJson<T = unknown>(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<ApiAnswer<T>> {
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { accept: 'application/json', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      credentials: 'omit',
      cache: 'no-store',
    });
    const text = await res.text();
    let body: T | undefined;
    try {
      body = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  } catch {
    return { status: 0, body: undefined };
  }
}

/** The message for a failed request that is not a validation error. */
export function failureKey(status: number): TextKey {
  if (status === 0) return 'error.network';
  if (status === 429 || status === 503) return 'error.busy';
  return 'error.server';
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
}
