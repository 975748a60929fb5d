import { foldWithOffsets } from './tokenizer.js';

/** Characters of text shown around a match. */
export const SNIPPET_LENGTH = 160;
/** Of which, at most this many before the first match. */
const LEAD = 40;
const ELLIPSIS = '…';

/** A piece of a message to show in a result list, with the matching ranges marked. */
export interface Snippet {
  readonly snippet: string;
  readonly highlights: ReadonlyArray<readonly [start: number, end: number]>;
}

/**
 * The part of `text` around the first place one of `terms` occurs, cut at word boundaries
 * where possible, with every occurrence of a term inside it as a `[start, end)` range of the
 * snippet. `terms` are index terms (folded: lower case, no accents), as the index reports
 * them, so they are searched in a folded copy of the text that maps back to the original.
 */
export function buildSnippet(text: string, terms: readonly string[]): Snippet {
  const { folded, offsets } = foldWithOffsets(text);
  const matches = findAll(folded, terms).map(
    ([start, end]) => [offsets[start]!, offsets[end]!] as const,
  );
  if (text.length <= SNIPPET_LENGTH) return { snippet: text, highlights: matches };
  const first = matches[0]?.[0] ?? 0;
  let start = Math.max(0, first - LEAD);
  if (start > 0) start = wordStart(text, start, first);
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  if (end < text.length) end = wordEnd(text, end, start);
  const prefix = start > 0 ? ELLIPSIS : '';
  const snippet = `${prefix}${text.slice(start, end).trim()}${end < text.length ? ELLIPSIS : ''}`;
  const shift = prefix.length - start - leadingSpace(text.slice(start, end));
  const highlights = matches
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]) => [s + shift, e + shift] as const);
  return { snippet, highlights };
}

/** Non-overlapping occurrences of any term, in order; longer terms win at the same place. */
function findAll(folded: string, terms: readonly string[]): Array<readonly [number, number]> {
  const found: Array<readonly [number, number]> = [];
  for (const term of terms) {
    if (term.length === 0) continue;
    for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + 1))
      found.push([at, at + term.length]);
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const kept: Array<readonly [number, number]> = [];
  for (const range of found) {
    const last = kept[kept.length - 1];
    if (last !== undefined && range[0] < last[1]) {
      if (range[1] > last[1]) kept[kept.length - 1] = [last[0], range[1]];
      continue;
    }
    kept.push(range);
  }
  return kept;
}

/** Moves `start` forward to the next word start, unless that passes `limit`. */
function wordStart(text: string, start: number, limit: number): number {
  const space = text.slice(start, limit).search(/\s/);
  return space < 0 ? start : start + space + 1;
}

/** Moves `end` back to the last word end, unless that leaves too little text. */
function wordEnd(text: string, end: number, start: number): number {
  const space = text.slice(start, end).search(/\s\S*$/);
  return space > (end - start) / 2 ? start + space : end;
}

function leadingSpace(text: string): number {
  return text.length - text.trimStart().length;
}
