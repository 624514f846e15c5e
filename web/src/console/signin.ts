/** The sign-in view: the local username/password form, or the hosted UI button on AWS. */
import { el } from '../lib/page.ts';
import { startOidc, signInLocal, type AuthConfig, type Session } from './auth.ts';
import type { Problem } from '../lib/field-errors.ts';
import type { ConsoleKey, ConsolePage } from './console-page.ts';
import { buildForm } from './forms.ts';

export class SignInView {
  private reason: ConsoleKey | undefined;

  constructor(
    private readonly page: ConsolePage,
    private readonly auth: AuthConfig,
    private readonly root: HTMLElement,
    private readonly alert: HTMLElement,
    private readonly signedIn: (s: Session) => void,
  ) {
    page.onLanguageChange(() => { if (!root.hidden) this.render(false); });
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
      b.addEventListener('click', () => { b.setAttribute('aria-disabled', 'true'); void startOidc(cfg); });
      card.append(b);
    } else {
      const f = buildForm(page, {
        id: 'signin', alert: this.alert, submitLabel: 'signin.submit', className: 'signin-form',
        fields: [
          { name: 'username', label: 'signin.username', kind: 'text', autocomplete: 'username', required: true },
          { name: 'password', label: 'signin.password', kind: 'password', autocomplete: 'current-password', required: true },
        ],
      });
      f.control('username').setAttribute('autocapitalize', 'none');
      f.form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const username = f.text('username');
        const password = f.control<HTMLInputElement>('password').value;
        const problems: Problem<ConsoleKey>[] = [
          ...(username ? [] : [{ field: 'username', key: 'v.username' as const }]),
          ...(password ? [] : [{ field: 'password', key: 'v.password' as const }]),
        ];
        if (problems.length) { f.errors.show(problems); return; }
        if (!f.busy(true)) return;
        f.errors.clear();
        f.progress.textContent = page.t('signin.signingIn');
        try {
          const r = await signInLocal(page.config.apiBase, username!, password);
          f.progress.textContent = '';
          if (r.ok) { this.signedIn(r.session); return; }
          f.control<HTMLInputElement>('password').value = '';
          f.errors.show([], [{ key: r.status === 401 ? 'signin.wrong' : r.status === 0 ? 'error.network' : 'error.server' }]);
        } finally {
          f.busy(false);
        }
      });
      f.form.dataset.ready = 'true';
      card.append(f.form, el('p', { className: 'meta', text: page.t('signin.localNote') }));
    }
    this.root.replaceChildren(card);
    document.title = `${page.t('signin.title')} – ${page.t('c.brand')}`;
    if (focus) (this.root.querySelector<HTMLElement>('#signin-username') ?? heading).focus();
  }
}
