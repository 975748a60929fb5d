import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ROOT,
  documents,
  embeddedSamples,
  sampleFiles,
  unlabelledFences,
  withSamples,
} from '../../../scripts/docs-samples.js';

const docs = documents().map((path) => ({
  name: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));

describe('the code samples embedded in the documentation', () => {
  it.each(docs)(
    '$name shows its samples as they are in docs/samples/ (else `npm run docs:samples`)',
    ({ text }) => {
      expect(text).toBe(withSamples(text));
    },
  );

  it.each(docs)(
    '$name has no TypeScript that is neither a tested sample nor labelled not-run',
    ({ text }) => {
      expect(unlabelledFences(text)).toEqual([]);
    },
  );

  it('embeds every sample file somewhere, and only files that exist', () => {
    const embedded = new Set(docs.flatMap(({ text }) => embeddedSamples(text)));
    expect([...embedded].sort()).toEqual(sampleFiles());
  });

  it('refreshes a stale sample and flags an unlabelled fence', () => {
    const stale = [
      '<!-- sample:start docs/samples/x.ts -->',
      '```ts',
      'old',
      '```',
      '<!-- sample:end -->',
      '```ts',
      'untested()',
      '```',
      '<!-- not-run: needs a browser -->',
      '```ts',
      'fine()',
      '```',
    ].join('\n');
    const fresh = withSamples(stale, () => 'new');
    expect(fresh).toContain('```ts\nnew\n```');
    expect(fresh).not.toContain('old');
    expect(unlabelledFences(stale)).toEqual([6]);
  });
});
