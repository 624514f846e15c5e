/**
 * The staff console (/console.html): sign-in, my tasks and my team's queue, a complaint
 * with every lifecycle action the signed-in role may take, staff-keyed complaints and the
 * dashboard. Hash routes (#/mine, #/team, #/c/<reference>, #/new, #/dashboard, #/open) so
 * that the back button and links to a complaint work.
 */
import './lib/zod-csp.ts';
import { authorize, type StaffOperation } from '../../functions/domain/authorization.ts';
import { byId, el } from './lib/page.ts';
import { StaffApi } from './console/api.ts';
import { clearSession, completeOidc, loadSession, rememberReturn, signOut, takeReturn, takeSignedOut, type Session } from './console/auth.ts';
import { loadConsoleConfig } from './console/config.ts';
import { ConsolePage, type ConsoleKey } from './console/console-page.ts';
import type { Ctx } from './console/context.ts';
import { CalendarBanner, CalendarsView } from './console/calendars.ts';
import { DashboardView } from './console/dashboard.ts';
import { ReturnsView } from './console/returns.ts';
import { DetailView } from './console/detail.ts';
import { DrillsView } from './console/drills.ts';
import { NewComplaintView } from './console/new-complaint.ts';
import { QueueView } from './console/queue.ts';
import { SignInView } from './console/signin.ts';

const REFERENCE = /^[A-Z]{2}-\d{4}-\d{6,}$/;
type ViewName = 'signin' | 'queue' | 'detail' | 'new' | 'dashboard' | 'returns' | 'drills' | 'open' | 'calendars';

async function main(): Promise<void> {
  const config = await loadConsoleConfig();
  const page = new ConsolePage(config.page, 'c.brand');
  const polite = byId('live-polite');
  const alert = byId('live-assertive');
  const views: Record<ViewName, HTMLElement> = {
    signin: byId('view-signin'),
    queue: byId('view-queue'),
    detail: byId('view-detail'),
    new: byId('view-new'),
    dashboard: byId('view-dashboard'),
    returns: byId('view-returns'),
    drills: byId('view-drills'),
    open: byId('view-open'),
    calendars: byId('view-calendars'),
  };
  const header = { nav: byId('nav'), who: byId('who'), goto: byId<HTMLFormElement>('goto-form') };

  let session: Session | undefined;
  const announce = (text: string) => {
    // Cleared first so that the same text is announced again.
    polite.textContent = '';
    window.setTimeout(() => {
      polite.textContent = text;
    }, 30);
  };

  const unauthorized = () => {
    if (!session) return;
    session = undefined;
    clearSession();
    rememberReturn(location.hash);
    showSignIn('signin.expired');
  };
  const api = new StaffApi(config.page.apiBase, () => session?.token, unauthorized);
  const ctx: Ctx = {
    page,
    api,
    region: config.region,
    alert,
    session: () => session!,
    actor: () => session!.actor,
    now: () => new Date(),
    announce,
    navigate: (hash) => {
      if (location.hash === hash) void route();
      else location.hash = hash;
    },
  };
  const queue = new QueueView(ctx, views.queue);
  const detail = new DetailView(ctx, views.detail);
  const newComplaint = new NewComplaintView(ctx, views.new);
  const dashboard = new DashboardView(ctx, views.dashboard);
  const returns = new ReturnsView(ctx, views.returns, () => config.region.name);
  const drills = new DrillsView(ctx, views.drills, (op) => can(op));
  const calendarBanner = new CalendarBanner(ctx, byId('calendar-banner'));
  const calendars = new CalendarsView(ctx, views.calendars, () => void calendarBanner.refresh());
  let bannerFor: Session | undefined;
  const signIn = new SignInView(page, config.auth, views.signin, alert, (s) => {
    session = s;
    renderHeader();
    const back = takeReturn();
    if (back && back !== location.hash) location.hash = back;
    else void route();
  });

  const can = (op: StaffOperation) => !!session && authorize(session.actor, op).allowed;

  const activate = (name: ViewName) => {
    for (const [k, v] of Object.entries(views)) v.hidden = k !== name;
    if (name !== 'queue') queue.hide();
    document.body.dataset.view = name;
  };

  function showSignIn(reason?: ConsoleKey): void {
    // Nothing of the previous session stays in the page.
    queue.forget();
    detail.forget();
    dashboard.forget();
    returns.forget();
    drills.forget();
    calendars.forget();
    calendarBanner.forget();
    bannerFor = undefined;
    for (const v of [views.new, views.open]) v.replaceChildren();
    activate('signin');
    header.nav.hidden = true;
    header.who.hidden = true;
    header.goto.hidden = true;
    signIn.show(reason);
  }

  const NAV: { view: string; href: string; label: ConsoleKey; op: StaffOperation }[] = [
    { view: 'mine', href: '#/mine', label: 'nav.mine', op: 'listMyTasks' },
    { view: 'team', href: '#/team', label: 'nav.team', op: 'listTeamQueue' },
    { view: 'new', href: '#/new', label: 'nav.new', op: 'createStaffComplaint' },
    { view: 'dashboard', href: '#/dashboard', label: 'nav.dashboard', op: 'getDashboard' },
    { view: 'drills', href: '#/drills', label: 'nav.drills', op: 'listDrills' },
    { view: 'calendars', href: '#/calendars', label: 'nav.calendars', op: 'putCalendarYear' },
  ];

  const defaultRoute = () => (can('listMyTasks') ? '#/mine' : can('listTeamQueue') ? '#/team' : '#/open');

  function renderHeader(current?: string): void {
    if (!session) return;
    const a = session.actor;
    const links = NAV.filter((n) => can(n.op)).map((n) => {
      const link = el('a', { text: page.t(n.label), attrs: { href: n.href, 'data-view': n.view } });
      if (current === n.view) link.setAttribute('aria-current', 'page');
      return el('li', {}, link);
    });
    const openLink = el('a', { text: page.t('nav.open'), attrs: { href: '#/open', 'data-view': 'open' } });
    if (current === 'open') openLink.setAttribute('aria-current', 'page');
    header.nav.replaceChildren(el('ul', {}, ...links, el('li', { className: 'nav-open' }, openLink)));
    header.nav.hidden = false;
    const roles = a.roles.map((r) => page.label('role', r)).join(', ') || page.t('role.none');
    const out = el('button', { className: 'button-signout', text: page.t('signout'), attrs: { type: 'button', id: 'signout' } });
    out.addEventListener('click', async () => {
      // Through the provider's own sign-out where it has one (the token is forgotten before the
      // page leaves); the console says "signed out" when it comes back.
      if (await signOut(config.auth)) return;
      session = undefined;
      queue.hide();
      history.replaceState(null, '', '#/');
      showSignIn('signin.signedOut');
      announce(page.t('signin.signedOut'));
    });
    header.who.replaceChildren(
      el(
        'span',
        { className: 'who-text' },
        el('span', { className: 'who-name', text: a.name, attrs: { id: 'who-name' } }),
        el('span', { className: 'who-meta', text: `${roles} · ${page.label('team', a.department) || a.department}`, attrs: { id: 'who-meta' } }),
      ),
      out,
    );
    header.who.hidden = false;
    header.goto.hidden = false;
  }

  // Open a complaint by reference, from anywhere.
  const gotoInput = byId<HTMLInputElement>('goto-ref');
  header.goto.addEventListener('submit', (e) => {
    e.preventDefault();
    const ref = gotoInput.value.normalize('NFKC').trim().toUpperCase();
    if (!REFERENCE.test(ref)) {
      gotoInput.setAttribute('aria-invalid', 'true');
      announce(page.t('goto.invalid'));
      gotoInput.focus();
      return;
    }
    gotoInput.removeAttribute('aria-invalid');
    gotoInput.value = '';
    ctx.navigate(`#/c/${encodeURIComponent(ref)}`);
  });

  function showOpen(problem?: string): void {
    activate('open');
    const heading = el('h1', { text: page.t('open.title'), attrs: { id: 'open-title', tabindex: '-1' } });
    const input = el('input', { attrs: { id: 'open-ref', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'open-hint' } });
    const error = el('p', { className: 'field-error', attrs: { id: 'open-error' } });
    error.hidden = true;
    const form = el(
      'form',
      { className: 'card open-form', attrs: { novalidate: '' } },
      el(
        'div',
        { className: 'field', attrs: { 'data-field': 'reference' } },
        el('label', { text: page.t('open.label'), attrs: { for: 'open-ref' } }),
        el('p', { className: 'hint', text: page.t('open.hint'), attrs: { id: 'open-hint' } }),
        error,
        input,
      ),
      el('div', { className: 'actions' }, el('button', { className: 'button button-primary', text: page.t('open.submit'), attrs: { type: 'submit' } })),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const ref = input.value.normalize('NFKC').trim().toUpperCase();
      if (!REFERENCE.test(ref)) {
        error.textContent = page.t('goto.invalid');
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', 'open-hint open-error');
        alert.textContent = page.t('goto.invalid');
        input.focus();
        return;
      }
      ctx.navigate(`#/c/${encodeURIComponent(ref)}`);
    });
    views.open.replaceChildren(
      heading,
      ...(problem ? [el('p', { className: 'notice notice-error', text: problem, attrs: { role: 'alert' } })] : []),
      el('p', { className: 'lead', text: page.t('open.intro') }),
      form,
    );
    document.title = `${page.t('open.title')} – ${page.t('c.brand')}`;
    heading.focus();
  }

  /**
   * The view of the location, then the missing-year banner (issue 22): asked once per session
   * (again after a calendar change), after the view's own call - a stale session is found out by
   * that one 401, not by two.
   */
  async function route(): Promise<void> {
    await showRoute();
    if (session && bannerFor !== session) {
      bannerFor = session;
      void calendarBanner.refresh();
    }
  }

  async function showRoute(): Promise<void> {
    if (!session) {
      rememberReturn(location.hash);
      showSignIn();
      return;
    }
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path, query = ''] = hash.split('?');
    const params = new URLSearchParams(query);
    const parts = path.split('/').filter(Boolean);
    const go = (view: string) => renderHeader(view);
    if (parts[0] === 'c' && parts[1]) {
      const ref = decodeURIComponent(parts[1]).toUpperCase();
      go('detail');
      activate('detail');
      await detail.show(ref);
      return;
    }
    switch (parts[0]) {
      case 'mine':
        if (!can('listMyTasks')) break;
        go('mine');
        activate('queue');
        await queue.show('mine');
        return;
      case 'team':
        if (!can('listTeamQueue')) break;
        go('team');
        activate('queue');
        await queue.show('team', params.get('team') ?? undefined);
        return;
      case 'new':
        if (!can('createStaffComplaint')) break;
        go('new');
        activate('new');
        newComplaint.show();
        return;
      case 'dashboard':
        if (!can('getDashboard')) break;
        go('dashboard');
        activate('dashboard');
        await dashboard.show(params);
        return;
      case 'returns':
        if (!can('getRegulatoryReturn')) break;
        go('returns');
        activate('returns');
        await returns.show(params);
        return;
      case 'drills':
        if (!can('listDrills')) break;
        go('drills');
        activate('drills');
        await drills.show();
        return;
      case 'open':
        go('open');
        showOpen();
        return;
      case 'calendars':
        if (!can('getCalendars')) break;
        go('calendars');
        activate('calendars');
        await calendars.show();
        return;
      case 'link': {
        // A notification's signed, one-time link to a task: the API checks it for the signed-in person.
        go('open');
        activate('open');
        views.open.replaceChildren(el('p', { className: 'progress', text: page.t('link.opening'), attrs: { role: 'status' } }));
        const answer = await api.get<{ reference: string }>(`/api/staff/links?${query}`);
        if (answer.status === 401) return;
        if (answer.status === 200 && answer.body?.reference && REFERENCE.test(answer.body.reference)) {
          history.replaceState(null, '', `#/c/${encodeURIComponent(answer.body.reference)}`);
          await route();
          return;
        }
        history.replaceState(null, '', '#/open');
        showOpen(page.t('link.failed', { message: answer.body?.message ?? page.t(answer.status === 0 ? 'error.network' : 'error.server') }));
        return;
      }
      default:
        break;
    }
    history.replaceState(null, '', defaultRoute());
    await route();
  }

  page.onLanguageChange(() => {
    if (session) renderHeader(document.querySelector('#nav a[aria-current="page"]')?.getAttribute('data-view') ?? undefined);
    if (!views.open.hidden) showOpen();
  });
  window.addEventListener('hashchange', () => void route());

  if (config.auth.kind === 'oidc') {
    const back = await completeOidc(config.auth);
    if (back.kind === 'error') {
      showSignIn('signin.oidcFailed');
      document.documentElement.dataset.consoleReady = 'true';
      return;
    }
    // Back where the staff member was when sign-in was asked for (the provider returns to the page without its hash).
    const to = back.kind === 'signed-in' ? takeReturn() : undefined;
    if (to) history.replaceState(null, '', `${location.pathname}${location.search}${to}`);
  }
  if (takeSignedOut()) {
    history.replaceState(null, '', '#/');
    showSignIn('signin.signedOut');
    announce(page.t('signin.signedOut'));
    document.documentElement.dataset.consoleReady = 'true';
    return;
  }
  session = loadSession(config.auth);
  document.documentElement.dataset.consoleReady = 'true';
  await route();
}

void main();
