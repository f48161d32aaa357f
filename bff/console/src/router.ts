/**
 * Hash routing (`/console/#/citizens/u_123`): the BFF serves one index.html at `/console/` and needs
 * no fallback for deep links. Search queries (phone numbers, ID numbers) never go into the URL, so
 * they stay out of browser history.
 */
import { useEffect, useState } from 'react';
import { CALENDAR_YEAR_MAX, CALENDAR_YEAR_MIN } from '@onevisit/shared-types/client';
import { parseQueueFilter, queueHref, type QueueFilter } from './cases';
import { parseReconFilter, reconHref, type ReconFilter } from './payments';
import { callsHref, parseCallsFilter, parseWebhookFilter, webhookHref, type CallsFilter, type WebhookFilter } from './partners';

export type Route =
  | { name: 'citizens' }
  | { name: 'citizen'; userId: string }
  | { name: 'staff' }
  | { name: 'audit'; filter: AuditLinkFilter }
  /** `year` absent: the current year in Beijing time. */
  | { name: 'calendar'; year?: number }
  | { name: 'outbox' }
  /** The case desk's queue; its tab, filters and page live in the hash (case numbers are not personal data). */
  | { name: 'cases'; filter: QueueFilter }
  | { name: 'case'; caseNo: string }
  /** Reconciliation findings; the bill date (default yesterday in Beijing time) and page live in the hash. */
  | { name: 'reconciliation'; filter: ReconFilter }
  /** Open-API partners: the registry, one partner, its webhook deliveries and the call evidence (filters in the hash: ids and paths only). */
  | { name: 'partners' }
  | { name: 'partner'; appId: string }
  | { name: 'partnerWebhooks'; filter: WebhookFilter }
  | { name: 'partnerCalls'; filter: CallsFilter }
  | { name: 'notFound'; path: string };

/** Filters a link may preset on the audit page (opaque ids only, never personal data). */
export interface AuditLinkFilter {
  actorId?: string;
  subjectId?: string;
  action?: string;
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const [pathname, search = ''] = path.split('?', 2);
  const segments = pathname.split('/').filter(Boolean);
  if (segments.length === 0) return { name: 'citizens' };
  if (segments[0] === 'citizens' && segments.length === 1) return { name: 'citizens' };
  if (segments[0] === 'citizens' && segments.length === 2) {
    try {
      return { name: 'citizen', userId: decodeURIComponent(segments[1]) };
    } catch {
      return { name: 'notFound', path };
    }
  }
  if (segments[0] === 'staff' && segments.length === 1) return { name: 'staff' };
  if (segments[0] === 'audit' && segments.length === 1) {
    const params = new URLSearchParams(search);
    const filter: AuditLinkFilter = {};
    for (const key of ['actorId', 'subjectId', 'action'] as const) {
      const value = params.get(key);
      if (value) filter[key] = value;
    }
    return { name: 'audit', filter };
  }
  if (segments[0] === 'calendar' && segments.length === 1) return { name: 'calendar' };
  if (segments[0] === 'calendar' && segments.length === 2 && /^\d{4}$/.test(segments[1])) {
    const year = Number(segments[1]);
    if (year >= CALENDAR_YEAR_MIN && year <= CALENDAR_YEAR_MAX) return { name: 'calendar', year };
  }
  if (segments[0] === 'outbox' && segments.length === 1) return { name: 'outbox' };
  if (segments[0] === 'cases' && segments.length === 1) return { name: 'cases', filter: parseQueueFilter(search) };
  if (segments[0] === 'cases' && segments.length === 2) {
    try {
      return { name: 'case', caseNo: decodeURIComponent(segments[1]) };
    } catch {
      return { name: 'notFound', path };
    }
  }
  if (segments[0] === 'reconciliation' && segments.length === 1) return { name: 'reconciliation', filter: parseReconFilter(search) };
  if (segments[0] === 'partners' && segments.length === 1) return { name: 'partners' };
  if (segments[0] === 'partners' && segments.length === 2) {
    try {
      return { name: 'partner', appId: decodeURIComponent(segments[1]) };
    } catch {
      return { name: 'notFound', path };
    }
  }
  if (segments[0] === 'partner-webhooks' && segments.length === 1) return { name: 'partnerWebhooks', filter: parseWebhookFilter(search) };
  if (segments[0] === 'partner-calls' && segments.length === 1) return { name: 'partnerCalls', filter: parseCallsFilter(search) };
  return { name: 'notFound', path };
}

export const hrefs = {
  citizens: '#/citizens',
  citizen: (userId: string) => `#/citizens/${encodeURIComponent(userId)}`,
  staff: '#/staff',
  audit: '#/audit',
  auditFiltered: (filter: AuditLinkFilter) => {
    const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => Boolean(v)) as [string, string][]).toString();
    return qs ? `#/audit?${qs}` : '#/audit';
  },
  calendar: '#/calendar',
  calendarYear: (year: number) => `#/calendar/${year}`,
  outbox: '#/outbox',
  cases: '#/cases',
  casesFiltered: (filter: QueueFilter) => queueHref(filter),
  case: (caseNo: string) => `#/cases/${encodeURIComponent(caseNo)}`,
  reconciliation: '#/reconciliation',
  reconciliationFiltered: (filter: ReconFilter) => reconHref(filter),
  partners: '#/partners',
  partner: (appId: string) => `#/partners/${encodeURIComponent(appId)}`,
  partnerWebhooks: '#/partner-webhooks',
  partnerWebhooksFiltered: (filter: WebhookFilter) => webhookHref(filter),
  partnerCalls: '#/partner-calls',
  partnerCallsFiltered: (filter: CallsFilter) => callsHref(filter),
};

export function navigate(href: string): void {
  if (window.location.hash !== href) window.location.hash = href;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
