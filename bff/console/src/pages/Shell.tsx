import { useEffect, useState } from 'react';
import { STAFF_ROLE_NAMES, type Permission } from '@onevisit/shared-types/client';
import { APP_NAME, PageTitle } from '../components/PageTitle';
import { hrefs, useRoute, type Route } from '../router';
import { useSession } from '../session';
import { AuditPage } from './Audit';
import { CalendarPage } from './Calendar';
import { CaseQueuePage } from './CaseQueue';
import { CaseView } from './CaseView';
import { CitizenSearchPage, type CitizenSearchState } from './CitizenSearch';
import { CitizenView } from './CitizenView';
import { OutboxPage } from './Outbox';
import { PartnerCallsPage } from './PartnerCalls';
import { PartnersPage } from './Partners';
import { PartnerView } from './PartnerView';
import { PartnerWebhooksPage } from './PartnerWebhooks';
import { ReconciliationPage } from './Reconciliation';
import { StaffPage } from './Staff';

interface NavItem {
  id: string;
  href: string;
  label: string;
  permission: Permission;
  active: (r: Route) => boolean;
}

const NAV: NavItem[] = [
  { id: 'nav-cases', href: hrefs.cases, label: '办件审批', permission: 'cases:read', active: (r) => r.name === 'cases' || r.name === 'case' },
  { id: 'nav-reconciliation', href: hrefs.reconciliation, label: '对账差异', permission: 'cases:read', active: (r) => r.name === 'reconciliation' },
  { id: 'nav-citizens', href: hrefs.citizens, label: '市民查询', permission: 'citizen:search', active: (r) => r.name === 'citizens' || r.name === 'citizen' },
  { id: 'nav-staff', href: hrefs.staff, label: '人员管理', permission: 'staff:read', active: (r) => r.name === 'staff' },
  { id: 'nav-audit', href: hrefs.audit, label: '审计日志', permission: 'audit:read', active: (r) => r.name === 'audit' },
  { id: 'nav-calendar', href: hrefs.calendar, label: '工作日历', permission: 'catalog:manage', active: (r) => r.name === 'calendar' },
  { id: 'nav-outbox', href: hrefs.outbox, label: '投递队列', permission: 'audit:read', active: (r) => r.name === 'outbox' },
  { id: 'nav-partners', href: hrefs.partners, label: '合作方', permission: 'partners:read', active: (r) => r.name === 'partners' || r.name === 'partner' },
  { id: 'nav-partner-webhooks', href: hrefs.partnerWebhooks, label: '状态推送', permission: 'partners:read', active: (r) => r.name === 'partnerWebhooks' },
  { id: 'nav-partner-calls', href: hrefs.partnerCalls, label: '调用记录', permission: 'partners:read', active: (r) => r.name === 'partnerCalls' },
];

const ROUTE_PERMISSION: Record<Route['name'], Permission | null> = {
  citizens: 'citizen:search',
  citizen: 'citizen:view',
  staff: 'staff:read',
  audit: 'audit:read',
  calendar: 'catalog:manage',
  outbox: 'audit:read',
  cases: 'cases:read',
  case: 'cases:read',
  reconciliation: 'cases:read',
  partners: 'partners:read',
  partner: 'partners:read',
  partnerWebhooks: 'partners:read',
  partnerCalls: 'partners:read',
  notFound: null,
};

/** Top bar, the nav the role may use, and the current page. */
export function Shell({ onLogout }: { onLogout: () => Promise<void> }) {
  const { session, can } = useSession();
  const route = useRoute();
  // The last search lives here, in memory only, so "back to results" works; it goes with the shell on logout.
  const [search, setSearch] = useState<CitizenSearchState>({ query: '', result: null });
  const [loggingOut, setLoggingOut] = useState(false);
  // Where "back to the list" leads from a case: the queue as last shown (tab, filters, page).
  const [queueHref, setQueueHref] = useState(hrefs.cases);
  useEffect(() => {
    if (route.name === 'cases') setQueueHref(hrefs.casesFiltered(route.filter));
  }, [route]);
  const nav = NAV.filter((item) => can(item.permission));

  const needed = ROUTE_PERMISSION[route.name];
  let page;
  if (route.name === 'notFound') page = <Placeholder title="页面不存在" text={`没有这个页面：${route.path}`} />;
  else if (needed && !can(needed)) page = <Placeholder title="无权访问" text="当前角色无权使用此功能。如需开通，请联系管理员。" />;
  else if (route.name === 'citizens') page = <CitizenSearchPage state={search} onChange={setSearch} />;
  else if (route.name === 'citizen') page = <CitizenView key={route.userId} userId={route.userId} />;
  else if (route.name === 'staff') page = <StaffPage />;
  else if (route.name === 'calendar') page = <CalendarPage year={route.year} />;
  else if (route.name === 'outbox') page = <OutboxPage />;
  else if (route.name === 'cases') page = <CaseQueuePage filter={route.filter} />;
  else if (route.name === 'reconciliation') page = <ReconciliationPage filter={route.filter} />;
  else if (route.name === 'partners') page = <PartnersPage />;
  else if (route.name === 'partner') page = <PartnerView key={route.appId} appId={route.appId} />;
  else if (route.name === 'partnerWebhooks') page = <PartnerWebhooksPage filter={route.filter} />;
  else if (route.name === 'partnerCalls') page = <PartnerCallsPage filter={route.filter} />;
  else if (route.name === 'case') page = <CaseView key={route.caseNo} caseNo={route.caseNo} backHref={queueHref} />;
  else page = <AuditPage key={JSON.stringify(route.filter)} initialFilter={route.filter} />;

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        跳到主要内容
      </a>
      <header className="topbar">
        <div className="topbar-brand">
          <span className="brand-mark" aria-hidden="true">
            OV
          </span>
          <span>{APP_NAME}</span>
        </div>
        <div className="topbar-user">
          <span className="user-name">{session.staff.displayName}</span>
          <span className="role-tag">{STAFF_ROLE_NAMES[session.staff.role] ?? session.staff.role}</span>
          <button
            type="button"
            id="logout"
            className="btn btn-ghost"
            disabled={loggingOut}
            onClick={() => {
              setLoggingOut(true);
              void onLogout();
            }}
          >
            退出
          </button>
        </div>
      </header>
      <div className="shell-body">
        <nav className="sidenav" aria-label="主导航">
          <ul>
            {nav.map((item) => (
              <li key={item.id}>
                <a id={item.id} href={item.href} aria-current={item.active(route) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {page}
        </main>
      </div>
    </div>
  );
}

function Placeholder({ title, text }: { title: string; text: string }) {
  return (
    <section>
      <PageTitle title={title} />
      <div className="panel">
        <p>{text}</p>
        <a href={hrefs.citizens}>返回市民查询</a>
      </div>
    </section>
  );
}
