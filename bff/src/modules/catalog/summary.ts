import type { ItemSummary, ServiceItem } from '@onevisit/shared-types';

export function toSummary(item: ServiceItem): ItemSummary {
  return {
    itemCode: item.itemCode,
    name: item.name,
    domain: item.domain,
    summary: item.summary,
    handlingMode: item.handlingMode,
    handlingClass: item.handlingClass,
    visitsRequired: item.visitsRequired,
    promisedLimitDays: item.promisedLimitDays,
    feeFen: item.fee.amountFen,
    hasGreenChannel: item.greenChannel !== null,
  };
}
