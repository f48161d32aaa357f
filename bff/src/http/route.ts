import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { roleCan, type ErrorCode, type Permission } from '@onevisit/shared-types';
import { AppError, fieldIssues, validationError } from './errors';
import './context';

/** Who may call a route; the OpenAPI document declares it as the operation's security requirement. */
export type Security = 'public' | 'citizen' | 'staff' | 'partner';
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type AnyObject = z.ZodObject<z.ZodRawShape>;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A response already serialised (e.g. from the cache), sent as-is with its ETag. */
export class JsonPayload {
  constructor(
    readonly json: string,
    readonly etag: string,
  ) {}
}

/**
 * A koa path pattern from a shared-types path builder: `pattern(apiPaths.application(':caseNo'))`
 * is `/applications/:caseNo` (the builders percent-encode their arguments, colons included).
 */
export const pattern = (path: string): string => decodeURIComponent(path);

/** A streamed response (a stored file): sent with its type and length, never validated as JSON. */
export class StreamPayload {
  constructor(
    readonly body: NodeJS.ReadableStream,
    readonly contentType: string,
    readonly bytes: number,
    /** Shown as the download name; must already be safe. */
    readonly fileName?: string,
  ) {}
}

export interface RouteDef<P extends AnyObject | undefined, Q extends AnyObject | undefined, B extends z.ZodType | undefined, R extends z.ZodType> {
  method: Method;
  /** Koa-style path relative to the router's prefix, e.g. `/catalog/items/:itemCode`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Security;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** Staff routes: the permission (from the role table in shared-types) the caller must hold. */
  permission?: Permission;
  /** Error codes this route can answer with besides validation, rate limits and INTERNAL_ERROR. */
  errors?: ErrorCode[];
  handler: (input: { params: Out<P>; query: Out<Q>; body: Out<B> }, ctx: Context) => Promise<z.input<R> | JsonPayload | StreamPayload>;
}

/** A route of any schemas, for collections; `any` because handler parameters are contravariant. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteDef = RouteDef<any, any, any, z.ZodType>;

/** Establishes the caller for one kind of route (sets ctx.state.citizen / .staff) or throws. */
export type Authenticator = (ctx: Context, route: AnyRouteDef) => Promise<void>;
export type Authenticators = Partial<Record<Exclude<Security, 'public'>, Authenticator>>;

/** Identity function that keeps a route's schemas and handler types tied together. */
export function defineRoute<P extends AnyObject | undefined, Q extends AnyObject | undefined, B extends z.ZodType | undefined, R extends z.ZodType>(
  def: RouteDef<P, Q, B, R>,
): RouteDef<P, Q, B, R> {
  return def;
}

function parsePart<S extends z.ZodType | undefined>(schema: S, value: unknown, location: string) {
  if (!schema) return { ok: true as const, value: undefined };
  const result = schema.safeParse(value ?? {});
  return result.success ? { ok: true as const, value: result.data } : { ok: false as const, issues: fieldIssues(result.error, location) };
}

/**
 * Mounts route definitions on a koa router: validates params, query and body against their zod
 * schemas (all problems reported at once, each naming its field), runs the handler, checks the
 * response against its schema when configured, and answers conditional GETs with 304.
 */
export class ApiRouter {
  readonly router: Router;
  readonly routes: AnyRouteDef[] = [];

  constructor(
    readonly prefix: string,
    private readonly options: { validateResponses: boolean; authenticators?: Authenticators },
  ) {
    this.router = new Router({ prefix: prefix || undefined });
  }

  add(...defs: AnyRouteDef[]): this {
    for (const def of defs) {
      this.routes.push(def);
      this.router[def.method](def.path, (ctx) => this.handle(def, ctx));
    }
    return this;
  }

  private async handle(def: AnyRouteDef, ctx: Context): Promise<void> {
    // Who is asking comes before what they ask: an anonymous caller learns nothing from validation.
    if (def.security !== 'public') {
      const authenticate = this.options.authenticators?.[def.security];
      if (!authenticate) throw new Error(`no authenticator for ${def.security} routes (${def.method} ${def.path})`);
      await authenticate(ctx, def);
    }
    if (def.permission) {
      const staff = ctx.state.staff;
      if (!staff || !roleCan(staff.role, def.permission)) {
        throw new AppError('PERMISSION_DENIED', `this needs the ${def.permission} permission`, { permission: def.permission });
      }
    }
    const parts = [
      parsePart(def.params, ctx.params, 'params'),
      parsePart(def.query, ctx.query, 'query'),
      parsePart(def.body, (ctx.request as { body?: unknown }).body, 'body'),
    ] as const;
    const issues = parts.flatMap((p) => (p.ok ? [] : p.issues));
    if (issues.length) throw validationError(issues);
    const [params, query, body] = parts.map((p) => (p.ok ? p.value : undefined));
    const result = await def.handler({ params, query, body }, ctx);
    if (result instanceof StreamPayload) {
      ctx.type = result.contentType;
      ctx.length = result.bytes;
      ctx.set('Cache-Control', 'private, no-store');
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (result.fileName) ctx.attachment(result.fileName, { type: 'inline' });
      ctx.body = result.body;
      return;
    }
    if (this.options.validateResponses) this.checkResponse(def, result instanceof JsonPayload ? JSON.parse(result.json) : result);
    if (result instanceof JsonPayload) {
      ctx.etag = result.etag;
      ctx.set('Cache-Control', 'no-cache');
      ctx.status = 200; // koa only judges freshness of a 2xx response
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = result.json;
      return;
    }
    ctx.body = result;
  }

  private checkResponse(def: AnyRouteDef, body: unknown): void {
    const check = def.response.safeParse(body);
    if (!check.success) throw new Error(`response of ${def.method.toUpperCase()} ${def.path} breaks its schema: ${check.error.message}`);
  }
}

export { AppError };
