import { DOMAINS, type DomainCode } from '@onevisit/shared-types/client';

export type DomainInfo = (typeof DOMAINS)[number];

export function findDomain(code: string): DomainInfo | undefined {
  return DOMAINS.find((d) => d.code === code);
}

export function domainName(code: DomainCode | string): string {
  return findDomain(code)?.name ?? code;
}
