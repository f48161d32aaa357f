import {
  apiPaths,
  BundleCodeParamsSchema,
  BundleDetailSchema,
  BundleListResponseSchema,
  DomainListResponseSchema,
  DomainParamsSchema,
  DomainSummarySchema,
  ItemCodeParamsSchema,
  ItemListQuerySchema,
  ItemListResponseSchema,
  SearchQuerySchema,
  SearchResponseSchema,
  ServiceItemSchema,
} from '@onevisit/shared-types';
import { defineRoute, type AnyRouteDef } from '../../http/route';
import type { CatalogService } from './service';

const tags = ['catalog'];

/** The citizen-facing catalogue: public, cacheable, conditional-GET aware. */
export function catalogRoutes(catalog: CatalogService): AnyRouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: apiPaths.catalogDomains,
      summary: 'The ten police service domains with their item counts',
      tags,
      security: 'public',
      response: DomainListResponseSchema,
      handler: () => catalog.domains(),
    }),
    defineRoute({
      method: 'get',
      path: '/catalog/domains/:domain',
      summary: 'One police service domain with its item count',
      tags,
      security: 'public',
      params: DomainParamsSchema,
      response: DomainSummarySchema,
      errors: ['DOMAIN_NOT_FOUND'],
      handler: ({ params }) => catalog.domain(params.domain),
    }),
    defineRoute({
      method: 'get',
      path: apiPaths.catalogItems,
      summary: 'Service items, most used first, filtered by domain, handling mode or zero-visit',
      tags,
      security: 'public',
      query: ItemListQuerySchema,
      response: ItemListResponseSchema,
      handler: ({ query }) =>
        catalog.listItems({ domain: query.domain, handlingMode: query.handlingMode, onlineOnly: query.onlineOnly }, query.page, query.pageSize),
    }),
    defineRoute({
      method: 'get',
      path: '/catalog/items/:itemCode',
      summary: 'The full guide of one service item',
      tags,
      security: 'public',
      params: ItemCodeParamsSchema,
      response: ServiceItemSchema,
      errors: ['ITEM_NOT_FOUND'],
      handler: ({ params }) => catalog.item(params.itemCode),
    }),
    defineRoute({
      method: 'get',
      path: apiPaths.catalogSearch,
      summary: 'Relevance search over names, aliases and everyday phrasing (e.g. 丢了身份证, 挪车)',
      tags,
      security: 'public',
      query: SearchQuerySchema,
      response: SearchResponseSchema,
      handler: ({ query }) => catalog.search(query.q, query.domain, query.page, query.pageSize),
    }),
    defineRoute({
      method: 'get',
      path: apiPaths.catalogBundles,
      summary: 'Life-event bundles (一件事)',
      tags,
      security: 'public',
      response: BundleListResponseSchema,
      handler: () => catalog.bundles(),
    }),
    defineRoute({
      method: 'get',
      path: '/catalog/bundles/:bundleCode',
      summary: 'One life-event bundle with its items',
      tags,
      security: 'public',
      params: BundleCodeParamsSchema,
      response: BundleDetailSchema,
      errors: ['BUNDLE_NOT_FOUND'],
      handler: ({ params }) => catalog.bundle(params.bundleCode),
    }),
  ];
}
