import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _e, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('logger redaction', () => {
  it('masks ID and mobile numbers in messages and fields, and drops secrets', () => {
    const { lines, logger } = capture();
    logger.info(
      { url: '/api/v1/catalog/search?q=43010219900101123X', phone: '13812345678', headers: { authorization: 'Bearer abc.def' }, token: 's3cret' },
      'call from 13912345678 about 43010219900101123X',
    );
    const out = lines.join('');
    expect(out).not.toMatch(/43010219900101123X|13812345678|13912345678|abc\.def|s3cret/);
    expect(out).toContain('430***********123X');
    expect(out).toContain('139****5678');
    expect(out).toContain('[REDACTED]');
  });

  it('masks personal data in error messages and redacts secret keys at any depth', () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error('lookup failed for 43010219900101123X'), deep: { a: { Password: 'hunter2' } } }, 'boom');
    const out = lines.join('');
    expect(out).not.toMatch(/43010219900101123X|hunter2/);
    expect(JSON.parse(out).err.message).toBe('lookup failed for 430***********123X');
  });

  it('stamps child loggers with the request id', () => {
    const { lines, logger } = capture();
    logger.child({ reqId: 'req-123456' }).info('hello');
    expect(JSON.parse(lines[0])).toMatchObject({ reqId: 'req-123456', msg: 'hello' });
  });
});
