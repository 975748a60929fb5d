import { describe, expect, it } from 'vitest';
import { SNIPPET_LENGTH, buildSnippet } from './snippet.js';

const marked = (result: ReturnType<typeof buildSnippet>) =>
  result.highlights.map(([start, end]) => result.snippet.slice(start, end));

describe('buildSnippet', () => {
  it('keeps a short text whole and marks every match', () => {
    const result = buildSnippet('Pizza? Yes, PIZZA tonight', ['pizza']);
    expect(result.snippet).toBe('Pizza? Yes, PIZZA tonight');
    expect(marked(result)).toEqual(['Pizza', 'PIZZA']);
  });

  it('marks matches in the original spelling, accents included', () => {
    const result = buildSnippet('Un café à Orléans', ['cafe', 'orleans']);
    expect(marked(result)).toEqual(['café', 'Orléans']);
  });

  it('cuts a long text around the first match, at word boundaries', () => {
    const before = 'lorem ipsum dolor sit amet '.repeat(10);
    const after = ' consectetur adipiscing elit'.repeat(10);
    const result = buildSnippet(`${before}needle${after}`, ['needle']);
    expect(result.snippet.startsWith('…')).toBe(true);
    expect(result.snippet.endsWith('…')).toBe(true);
    expect(result.snippet.length).toBeLessThanOrEqual(SNIPPET_LENGTH + 2);
    expect(marked(result)).toEqual(['needle']);
    expect(result.snippet).toMatch(/^… ?[a-z]+ /);
    expect(result.snippet).toMatch(/ [a-z]+…$/);
  });

  it('starts at the beginning when the match is near it', () => {
    const result = buildSnippet(`needle ${'word '.repeat(60)}`, ['needle']);
    expect(result.snippet.startsWith('needle')).toBe(true);
    expect(marked(result)).toEqual(['needle']);
  });

  it('merges overlapping matches (Chinese and Japanese pairs)', () => {
    const result = buildSnippet('東京タワーに行きました', ['東京', '京タ', 'タワ', 'ワー']);
    expect(marked(result)).toEqual(['東京タワー']);
  });

  it('shows the start of the text when no term is found in it', () => {
    const result = buildSnippet('x'.repeat(300), ['absent']);
    expect(result.snippet.startsWith('xxx')).toBe(true);
    expect(result.highlights).toEqual([]);
  });
});
