import type { BundleInput, ServiceItemInput } from '@onevisit/shared-types';
import { bundlesByItemName } from './bundles';
import { itemsA } from './items-a';
import { itemsB } from './items-b';

/** The reference deployment's catalogue (Hunan): loaded into an empty database at start-up. */
export const seedItems: ServiceItemInput[] = [...itemsA, ...itemsB];

const codeByName = new Map(seedItems.map((i) => [i.name, i.itemCode]));

/** Bundles are written against item names (readable); resolved to implementation codes here. */
export const seedBundles: BundleInput[] = bundlesByItemName.map(({ itemNames, ...bundle }) => ({
  ...bundle,
  itemCodes: itemNames.map((name) => {
    const code = codeByName.get(name);
    if (!code) throw new Error(`seed bundle ${bundle.bundleCode} names an unknown item: ${name}`);
    return code;
  }),
}));
