/**
 * The console's runtime configuration, from the same /config.json as the customer pages
 * ({ region, languages, apiBase, icpFilingNumber }) plus the optional `auth` object (local sign-in or the
 * hosted UI). One request; the region's rules (currency, extensions) come from the typed
 * region configuration the functions use.
 */
import { REGIONS, type RegionConfig, type RegionName } from '../../../functions/domain/regions.ts';
import { LANGUAGES, type Language } from '../lib/i18n.ts';
import { icpFilingNumberOf, type PageConfig } from '../lib/page.ts';
import { parseAuthConfig, type AuthConfig } from './auth.ts';

export interface ConsoleConfig {
  page: PageConfig;
  auth: AuthConfig;
  region: RegionConfig;
}

const isLanguage = (v: unknown): v is Language => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  let raw: Record<string, unknown> = {};
  try {
    const res = await fetch('/config.json', { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    if (res.ok) raw = (await res.json()) as Record<string, unknown>;
  } catch {
    // Not served: defaults.
  }
  const regionName = (typeof raw.region === 'string' && raw.region in REGIONS ? raw.region : 'cn') as RegionName;
  const region = REGIONS[regionName];
  const languages = Array.isArray(raw.languages) ? raw.languages.filter(isLanguage) : [];
  return {
    page: {
      region: regionName,
      languages: languages.length ? languages : [...region.languages],
      apiBase: typeof raw.apiBase === 'string' ? raw.apiBase.replace(/\/+$/, '') : '',
      timeZone: typeof raw.timeZone === 'string' ? raw.timeZone : region.calendar.timeZone,
      icpFilingNumber: icpFilingNumberOf(raw.icpFilingNumber),
    },
    auth: parseAuthConfig(raw.auth),
    region,
  };
}
