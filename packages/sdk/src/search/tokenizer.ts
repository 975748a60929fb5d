/**
 * How message text becomes search terms. The same folding runs over messages and queries, so a
 * query matches whatever way the text was typed:
 *
 * - Unicode compatibility forms are unified (NFKC: full-width `Ａ` is `a`, `ﬁ` is `fi`) and
 *   everything is lower-cased.
 * - Accents are dropped from Latin, Greek and Cyrillic letters (`café` = `cafe`, `ёлка` =
 *   `елка`, but `й` stays), and the optional vowel signs of Arabic and Hebrew, since people
 *   often type without them. Other scripts keep their marks: in Devanagari or Thai they are
 *   vowels, not decoration.
 * - Words are split at anything that is not a letter, digit or mark (spaces, punctuation,
 *   emoji).
 * - Chinese and Japanese are written without spaces, so runs of Han, Hiragana and Katakana
 *   are cut into overlapping pairs of characters (bigrams), the usual approach of full-text
 *   engines without a dictionary; it needs no language data and gives the same terms in every
 *   browser. Messages also index each character alone, so a one-character query finds it.
 *   Korean uses spaces and is split like Latin text.
 *
 * Deterministic and dependency-free: a persisted index stays valid as long as
 * {@link TOKENIZER_VERSION} does not change.
 */

/** Bumped whenever the terms produced for some text change (a persisted index is then rebuilt). */
export const TOKENIZER_VERSION = 1;

/** Longer tokens (hashes, base64 blobs pasted into chat) are not indexed. */
export const MAX_TERM_LENGTH = 64;

const SPLIT = /[^\p{L}\p{N}\p{M}]+/u;
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const NO_SPACE_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+/gu;
const BASES =
  '\\p{Script=Latin}\\p{Script=Greek}\\p{Script=Cyrillic}\\p{Script=Arabic}\\p{Script=Hebrew}';
const ACCENTED = new RegExp(`([${BASES}])\\p{Mn}+`, 'gu');
const STRIPPABLE_BASE = new RegExp(`[${BASES}]`, 'u');
const NONSPACING_MARK = /^\p{Mn}$/u;
const SHORT_I = /и\u0306/g;

/** Lower-cases, unifies compatibility forms and drops accents (see the module comment). */
export function fold(text: string): string {
  return stripAccents(text.toLowerCase().normalize('NFKD')).normalize('NFC');
}

/** Drops accents from decomposed text, except where Russian treats the letter as its own (й). */
function stripAccents(decomposed: string): string {
  return decomposed.replace(SHORT_I, 'й').replace(ACCENTED, '$1');
}

/**
 * {@link fold}, code point by code point, with the position in `text` each folded UTF-16 unit
 * came from: to find a folded term in the original text (for snippets and highlights).
 */
export function foldWithOffsets(text: string): { folded: string; offsets: number[] } {
  let folded = '';
  const offsets: number[] = [];
  let previousStrippable = false;
  let at = 0;
  for (const char of text) {
    const decomposed = char.toLowerCase().normalize('NFKD');
    // A combining accent typed as its own code point belongs to the letter before it.
    const piece =
      previousStrippable && NONSPACING_MARK.test(char)
        ? ''
        : stripAccents(decomposed).normalize('NFC');
    if (!NONSPACING_MARK.test(char)) previousStrippable = STRIPPABLE_BASE.test(char);
    folded += piece;
    for (let i = 0; i < piece.length; i++) offsets.push(at);
    at += char.length;
  }
  offsets.push(at);
  return { folded, offsets };
}

/** Whether a term is (or starts with) Chinese or Japanese characters. */
export function isNoSpaceTerm(term: string): boolean {
  return NO_SPACE_SCRIPT.test(term);
}

/** The terms a message's text is indexed under. */
export function tokenizeForIndex(text: string): string[] {
  return tokenize(text, true);
}

/**
 * The terms of a search query: like {@link tokenizeForIndex}, but a Chinese or Japanese run
 * of two or more characters gives only its bigrams (combined with AND they find the phrase).
 */
export function tokenizeForQuery(text: string): string[] {
  return tokenize(text, false);
}

function tokenize(text: string, withUnigrams: boolean): string[] {
  const terms: string[] = [];
  for (const word of fold(text).split(SPLIT)) {
    if (word.length === 0) continue;
    if (!NO_SPACE_SCRIPT.test(word)) {
      if (word.length <= MAX_TERM_LENGTH) terms.push(word);
      continue;
    }
    let last = 0;
    for (const run of word.matchAll(NO_SPACE_RUN)) {
      pushWord(terms, word.slice(last, run.index));
      pushRun(terms, [...run[0]], withUnigrams);
      last = run.index + run[0].length;
    }
    pushWord(terms, word.slice(last));
  }
  return terms;
}

function pushWord(terms: string[], word: string): void {
  if (word.length > 0 && word.length <= MAX_TERM_LENGTH) terms.push(word);
}

function pushRun(terms: string[], chars: string[], withUnigrams: boolean): void {
  if (chars.length === 1 || withUnigrams) terms.push(...chars);
  for (let i = 0; i + 1 < chars.length; i++) terms.push(chars[i]! + chars[i + 1]!);
}
