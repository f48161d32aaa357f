import type { Bundle, SearchHit, ServiceItem } from '@onevisit/shared-types';
import { FILLER_WORDS, SYNONYMS } from './synonyms';
import { toSummary } from './summary';

type MatchField = SearchHit['matchedBy'];

/** Weights by field: a match in the official name outranks one in everyday keywords. */
const FIELD_WEIGHT: Record<MatchField, number> = { name: 10, alias: 8, keyword: 7, summary: 2 };
const MIN_SCORE = 3;

/** Lower case, full-width to half-width, no spaces or punctuation. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

function bigrams(text: string): Set<string> {
  const grams = new Set<string>();
  if (text.length === 1) grams.add(text);
  for (let i = 0; i + 1 < text.length; i++) grams.add(text.slice(i, i + 2));
  return grams;
}

/** The query as typed (normalised), without filler words, and with synonyms applied. */
export function queryVariants(raw: string): string[] {
  const base = normalize(raw);
  let stripped = base;
  for (const filler of FILLER_WORDS) stripped = stripped.split(filler).join('');
  if (!stripped) stripped = base;
  let expanded = stripped;
  for (const [from, to] of SYNONYMS) if (expanded.includes(from) && !expanded.includes(to)) expanded = expanded.split(from).join(to);
  return [...new Set([base, stripped, expanded].filter(Boolean))];
}

interface Field {
  by: MatchField;
  text: string;
  norm: string;
  grams: Set<string>;
}

interface Entry {
  item: ServiceItem;
  fields: Field[];
  popularityBoost: number;
}

/** How well one query variant matches one field: containment first, then shared bigrams. */
function fieldScore(query: string, queryGrams: Set<string>, field: Field): number {
  const weight = FIELD_WEIGHT[field.by];
  if (field.norm === query) return weight * 3;
  if (field.norm.includes(query)) return weight * (2 + query.length / field.norm.length);
  if (query.includes(field.norm) && field.norm.length >= 2) return weight * (1 + field.norm.length / query.length);
  let shared = 0;
  for (const g of queryGrams) if (field.grams.has(g)) shared++;
  const coverage = shared / queryGrams.size;
  return coverage >= 0.5 ? weight * coverage * 1.5 : 0;
}

function field(by: MatchField, text: string): Field {
  const norm = normalize(text);
  return { by, text, norm, grams: bigrams(norm) };
}

/**
 * In-memory relevance search over the enabled catalogue (hundreds of items: a scan is faster
 * than any round-trip). Built once per catalogue version and shared by all requests.
 */
export class SearchIndex {
  private readonly entries: Entry[];
  private readonly bundles: { bundle: Bundle; norms: string[] }[];

  constructor(items: ServiceItem[], bundles: Bundle[]) {
    this.entries = items.map((item) => ({
      item,
      fields: [
        field('name', item.name),
        ...item.aliases.map((a) => field('alias', a)),
        ...item.keywords.map((k) => field('keyword', k)),
        field('summary', item.summary),
      ],
      popularityBoost: Math.log10(item.popularity + 1) * 0.2,
    }));
    this.bundles = bundles.map((bundle) => ({ bundle, norms: [bundle.name, ...bundle.keywords].map(normalize) }));
  }

  search(raw: string, domain?: string): SearchHit[] {
    const variants = queryVariants(raw).map((q) => ({ q, grams: bigrams(q) }));
    const hits: SearchHit[] = [];
    for (const entry of this.entries) {
      if (domain && entry.item.domain !== domain) continue;
      let best = { score: 0, field: entry.fields[0] };
      for (const { q, grams } of variants) {
        for (const f of entry.fields) {
          const score = fieldScore(q, grams, f);
          if (score > best.score) best = { score, field: f };
        }
      }
      if (best.score < MIN_SCORE) continue;
      hits.push({
        ...toSummary(entry.item),
        score: Math.round((best.score + entry.popularityBoost) * 1000) / 1000,
        matchedBy: best.field.by,
        matchedText: best.field.text,
      });
    }
    return hits.sort((a, b) => b.score - a.score || a.itemCode.localeCompare(b.itemCode));
  }

  searchBundles(raw: string): Bundle[] {
    const variants = queryVariants(raw);
    return this.bundles
      .filter(({ norms }) => variants.some((q) => norms.some((n) => n.includes(q) || (q.length >= 2 && q.includes(n)))))
      .map(({ bundle }) => bundle);
  }
}
