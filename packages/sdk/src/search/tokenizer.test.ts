import { describe, expect, it } from 'vitest';
import {
  MAX_TERM_LENGTH,
  fold,
  foldWithOffsets,
  tokenizeForIndex,
  tokenizeForQuery,
} from './tokenizer.js';

describe('tokenizer', () => {
  it('splits Latin text at spaces and punctuation, lower-cased', () => {
    expect(tokenizeForIndex('Dinner on Friday? At 8pm, at "Luigi\'s"!')).toEqual([
      'dinner',
      'on',
      'friday',
      'at',
      '8pm',
      'at',
      'luigi',
      's',
    ]);
  });

  it('drops accents from Latin, Greek and Cyrillic letters', () => {
    expect(tokenizeForIndex('Café Ñandú Straße')).toEqual(['cafe', 'nandu', 'straße']);
    expect(tokenizeForIndex('Ёлка и йогурт')).toEqual(['елка', 'и', 'йогурт']);
    expect(tokenizeForIndex('Καλημέρα')).toEqual(['καλημερα']);
  });

  it('drops the optional vowel signs of Arabic and Hebrew', () => {
    expect(tokenizeForIndex('مُحَمَّد')).toEqual(tokenizeForIndex('محمد'));
    expect(tokenizeForIndex('שָׁלוֹם')).toEqual(['שלום']);
  });

  it('keeps the marks of scripts where they are vowels', () => {
    expect(tokenizeForIndex('नमस्ते दुनिया')).toEqual(['नमस्ते', 'दुनिया']);
  });

  it('splits Cyrillic, Arabic, Hebrew and Korean words at spaces', () => {
    expect(tokenizeForIndex('Привет, мир!')).toEqual(['привет', 'мир']);
    expect(tokenizeForIndex('مرحبا بالعالم')).toEqual(['مرحبا', 'بالعالم']);
    expect(tokenizeForIndex('שלום עולם')).toEqual(['שלום', 'עולם']);
    expect(tokenizeForIndex('안녕하세요 세계')).toEqual(['안녕하세요', '세계']);
  });

  it('indexes Chinese and Japanese as characters and overlapping pairs', () => {
    expect(tokenizeForIndex('東京タワー')).toEqual([
      '東',
      '京',
      'タ',
      'ワ',
      'ー',
      '東京',
      '京タ',
      'タワ',
      'ワー',
    ]);
  });

  it('queries Chinese and Japanese by pairs only, or the single character', () => {
    expect(tokenizeForQuery('北京')).toEqual(['北京']);
    expect(tokenizeForQuery('北京大学')).toEqual(['北京', '京大', '大学']);
    expect(tokenizeForQuery('京')).toEqual(['京']);
  });

  it('separates mixed Latin and CJK words', () => {
    expect(tokenizeForQuery('iPhone用ケース')).toEqual(['iphone', '用ケ', 'ケー', 'ース']);
  });

  it('unifies compatibility forms (full-width letters, ligatures)', () => {
    expect(tokenizeForIndex('ＡＢＣ ﬁle')).toEqual(['abc', 'file']);
  });

  it('drops emoji and over-long tokens', () => {
    const blob = 'x'.repeat(MAX_TERM_LENGTH + 1);
    expect(tokenizeForIndex(`ok 👍🏽 ${blob} fine`)).toEqual(['ok', 'fine']);
  });

  it('folds with offsets that map back into the original text', () => {
    const text = 'Ça VA? cafe\u0301!';
    const { folded, offsets } = foldWithOffsets(text);
    expect(folded).toBe(fold('Ça VA? café!'));
    const at = folded.indexOf('cafe');
    // The range covers the accent typed after the letter too, as a highlight should.
    expect(text.slice(offsets[at], offsets[at + 4])).toBe('cafe\u0301');
    expect(text.slice(offsets[0], offsets[2])).toBe('Ça');
    expect(offsets[folded.length]).toBe(text.length);
  });
});
