/**
 * Reads the machine-readable parts of docs/open-api.md:
 *
 * - test vectors: the first ```json block after each `### Test vector N…` heading;
 * - examples: a ```json block right after an `<!-- example: SchemaName -->` comment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SignatureAlgorithm } from '@onevisit/shared-types';

export const OPEN_API_DOC = path.resolve(__dirname, '../../docs/open-api.md');

export interface TestVector {
  number: number;
  title: string;
  kind?: 'webhook';
  algorithm: SignatureAlgorithm;
  appId: string;
  secret: string;
  method: string;
  /** Path and query as sent, or (webhooks) the partner's full webhook URL. */
  url: string;
  timestamp: string;
  nonce: string;
  /** The exact body text; its UTF-8 encoding is the body bytes. */
  body: string;
  eventId?: string;
  expected: {
    path: string;
    canonicalQuery: string;
    bodyHash: string;
    stringToSign: string;
    signature: string;
    headers: Record<string, string>;
  };
}

export function readDoc(file = OPEN_API_DOC): string {
  return readFileSync(file, 'utf8');
}

export function parseTestVectors(markdown: string): TestVector[] {
  const vectors: TestVector[] = [];
  const heading = /^### Test vector (\d+)[:.]?\s*(.*)$/gm;
  const matches = [...markdown.matchAll(heading)];
  matches.forEach((m, i) => {
    const end = i + 1 < matches.length ? matches[i + 1].index : markdown.length;
    const section = markdown.slice(m.index + m[0].length, end);
    const block = /^```json\n([\s\S]*?)\n```$/m.exec(section);
    if (!block) throw new Error(`test vector ${m[1]} has no json block`);
    const data = JSON.parse(block[1]) as Omit<TestVector, 'number' | 'title'>;
    vectors.push({ number: Number(m[1]), title: m[2].trim(), ...data });
  });
  return vectors;
}

export interface DocExample {
  schema: string;
  line: number;
  value: unknown;
}

export function parseExamples(markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  for (const m of markdown.matchAll(/<!-- example: (\w+) -->\n```json\n([\s\S]*?)\n```/g)) {
    examples.push({ schema: m[1], line: markdown.slice(0, m.index).split('\n').length, value: JSON.parse(m[2]) });
  }
  return examples;
}

/** Rows `| \`CODE\` | status | … |` of the document's tables. */
export function parseErrorRows(markdown: string): { code: string; status: number }[] {
  return [...markdown.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| (\d{3}) \|/gm)].map((m) => ({ code: m[1], status: Number(m[2]) }));
}
