/** The sign-in view: one button that leaves for the identity provider (authorization code + PKCE). */
import { el } from '../lib/page.ts';
import { startOidc, type AuthConfig, type Session } from './auth.ts';
import type { ConsoleKey, ConsolePage } from './console-page.ts';

export class SignInView {
  private reason: ConsoleKey | undefined;

  constructor(
    private readonly page: ConsolePage,
    private readonly auth: AuthConfig,
    private readonly root: HTMLElement,
    private readonly alert: HTMLElement,
    readonly _signedIn: (s: Session) => void,
  ) {
    page.onLanguageChange(() => {
      if (!root.hidden) this.render(false);
    });
  }

  /** `reason`: a text key shown above the form (signed out, session ended...). */
  show(reason?: ConsoleKey): void {
    this.reason = reason;
    this.render(true);
  }

  private render(focus: boolean): void {
    const { page } = this;
    const heading = el('h1', { text: page.t('signin.title'), attrs: { id: 'signin-title', tabindex: '-1' } });
    const card = el('div', { className: 'card signin-card' }, heading, el('p', { className: 'lead', text: page.t('signin.intro') }));
    if (this.reason) card.append(el('p', { className: 'notice notice-warning', text: page.t(this.reason), attrs: { id: 'signin-reason', role: 'status' } }));
    if (this.auth.kind === 'oidc') {
      const cfg = this.auth;
      const b = el('button', { className: 'button button-primary', text: page.t('signin.oidc'), attrs: { type: 'button', id: 'signin-oidc' } });
      b.addEventListener('click', () => {
        if (b.getAttribute('aria-disabled') === 'true') return;
        b.setAttribute('aria-disabled', 'true');
        startOidc(cfg).catch(() => {
          b.removeAttribute('aria-disabled');
          this.alert.textContent = page.t('signin.oidcUnreachable');
        });
      });
      card.append(b);
      // The local runtime's provider (on this machine): who may sign in there.
      if (/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(cfg.issuer))
        card.append(el('p', { className: 'meta', text: page.t('signin.localNote'), attrs: { id: 'signin-local-note' } }));
    } else {
      card.append(el('p', { className: 'notice notice-warning', text: page.t('signin.notConfigured'), attrs: { id: 'signin-unconfigured', role: 'status' } }));
    }
    this.root.replaceChildren(card);
    document.title = `${page.t('signin.title')} – ${page.t('c.brand')}`;
    if (focus) (this.root.querySelector<HTMLElement>('#signin-oidc') ?? heading).focus();
  }
}
