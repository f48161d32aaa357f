import { z } from 'zod';
import { ErrorBodySchema, errorStatus, type ErrorCode } from '@onevisit/shared-types';
import type { AnyRouteDef, Security } from './route';

type JsonSchema = Record<string, unknown>;

const SECURITY_SCHEMES = {
  citizenSession: {
    type: 'http',
    scheme: 'bearer',
    description: 'Opaque citizen session token from the login endpoints of the mini-program API.',
  },
  staffSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'ov_console',
    description: 'Console session cookie (HttpOnly, SameSite); state-changing requests also need the X-CSRF-Token header.',
  },
  partnerSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-OV-AppId',
    description: 'Signed open-API request: X-OV-AppId, X-OV-Timestamp, X-OV-Nonce, X-OV-Signature, X-OV-Algorithm (see docs/open-api.md).',
  },
} as const;

const SCHEME_OF: Record<Exclude<Security, 'public'>, keyof typeof SECURITY_SCHEMES> = {
  citizen: 'citizenSession',
  staff: 'staffSession',
  partner: 'partnerSignature',
};

/** Builds JSON Schemas, hoisting every named (`.meta({id})`) schema into components. */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    delete json.$schema;
    for (const [id, def] of Object.entries(defs)) this.components[id] ??= this.rewriteRefs(def);
    return this.rewriteRefs(json);
  }

  private rewriteRefs(schema: JsonSchema): JsonSchema {
    return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/'));
  }
}

function toOpenApiPath(prefix: string, path: string): string {
  return `${prefix}${path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(collector: SchemaCollector, route: AnyRouteDef) {
  const list: JsonSchema[] = [];
  for (const [location, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries((schema as z.ZodObject<z.ZodRawShape>).shape)) {
      const fieldSchema = field as z.ZodType;
      list.push({
        name,
        in: location,
        required: location === 'path' || !fieldSchema.safeParse(undefined).success,
        schema: collector.convert(fieldSchema, 'input'),
      });
    }
  }
  return list;
}

function errorResponses(route: AnyRouteDef) {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  if (route.params || route.query || route.body) codes.add('VALIDATION_FAILED');
  if (route.security !== 'public') codes.add('UNAUTHENTICATED');
  codes.add('RATE_LIMITED');
  codes.add('INTERNAL_ERROR');
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(errorStatus[code], [...(byStatus.get(errorStatus[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.join(' | '),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/** The OpenAPI 3.1 document, generated from the mounted routes' own zod schemas. */
export function buildOpenApi(info: OpenApiInfo, routers: { prefix: string; routes: AnyRouteDef[] }[]) {
  const collector = new SchemaCollector();
  collector.convert(ErrorBodySchema, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { prefix, routes } of routers) {
    for (const route of routes) {
      const path = toOpenApiPath(prefix, route.path);
      paths[path] ??= {};
      paths[path][route.method] = {
        operationId: `${route.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: route.tags,
        security: route.security === 'public' ? [] : [{ [SCHEME_OF[route.security]]: [] }],
        'x-security-level': route.security,
        parameters: parameters(collector, route),
        ...(route.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: collector.convert(route.body, 'input') } } } }
          : {}),
        responses: {
          '200': { description: 'OK', content: { 'application/json': { schema: collector.convert(route.response, 'output') } } },
          ...(route.method === 'get' ? { '304': { description: 'Not modified (If-None-Match matched the ETag)' } } : {}),
          ...errorResponses(route),
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    paths,
    components: { schemas: collector.components, securitySchemes: SECURITY_SCHEMES },
  };
}
