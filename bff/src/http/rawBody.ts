import type { Context } from 'koa';
import { AppError } from './errors';

/**
 * The request body as bytes, for signed requests whose signature covers the exact bytes sent
 * (mounted before any body parser). Refuses more than `limit` bytes while reading.
 */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || NaN);
  if (Number.isFinite(declared) && declared > limit) throw new AppError('PAYLOAD_TOO_LARGE', `body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw new AppError('PAYLOAD_TOO_LARGE', `body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
