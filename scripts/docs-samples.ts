/**
 * Copies the code samples of the documentation from their source files into the markdown, so
 * what a reader sees is exactly what the tests run:
 *
 *   npm run docs:samples           # refresh every embedded sample
 *   npm run docs:samples -- --check # exit 1 when a document is stale (what the test checks)
 *
 * A sample is a TypeScript file in `docs/samples/` whose lines between `// #region docs` and
 * `// #endregion docs` are shown (several regions are joined, e.g. the imports and the body); the rest (other accounts, assertions) is setup the reader
 * does not need. `packages/sdk/test/docs-samples.test.ts` runs every sample against a real
 * server. In the markdown a sample sits between
 *
 *   <!-- sample:start docs/samples/name.ts -->
 *   ```ts
 *   …generated…
 *   ```
 *   <!-- sample:end -->
 *
 * Every other ```ts / ```js fence in the checked documents must be labelled
 * `<!-- not-run: why -->` on the line before it, so no untested TypeScript can slip in.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the sample files live. */
export const SAMPLES_DIR = join(ROOT, 'docs', 'samples');

const START = /^<!-- sample:start (\S+) -->$/;
const END = '<!-- sample:end -->';
const NOT_RUN = /^<!-- not-run: .+ -->$/;
const CODE_FENCE = /^```(ts|typescript|js|javascript|tsx|jsx|mjs)\s*$/;
const REGION_START = '// #region docs';
const REGION_END = '// #endregion docs';

/** The documents whose samples are checked: the root pages and every page of `docs/`. */
export function documents(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(ROOT, 'docs', name));
  return ['README.md', 'CONTRIBUTING.md', 'SECURITY.md']
    .map((name) => join(ROOT, name))
    .concat(docs);
}

/** Every sample file, as a path relative to the root (`docs/samples/x.ts`). */
export function sampleFiles(): string[] {
  return readdirSync(SAMPLES_DIR)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort()
    .map((name) => `docs/samples/${name}`);
}

/**
 * The shown part of a sample file: its `docs` regions (usually one; a second one at the top
 * can show the imports), each dedented, joined by a blank line.
 */
export function extractRegion(source: string, file: string): string {
  const lines = source.split('\n');
  const parts: string[] = [];
  let start = -1;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === REGION_START) start = index;
    else if (line.trim() === REGION_END && start >= 0) {
      parts.push(dedent(lines.slice(start + 1, index)));
      start = -1;
    }
  }
  if (parts.length === 0 || start >= 0) {
    throw new Error(`${file}: needs "${REGION_START}" … "${REGION_END}" regions`);
  }
  return parts.join('\n\n');
}

function dedent(body: string[]): string {
  while (body.length > 0 && body.at(-1)?.trim() === '') body.pop();
  while (body.length > 0 && body[0]?.trim() === '') body.shift();
  const indent = Math.min(
    ...body.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0),
  );
  return body.map((line) => line.slice(indent)).join('\n');
}

/** Reads a sample's region from disk. */
export function readSample(file: string): string {
  return extractRegion(readFileSync(join(ROOT, file), 'utf8'), file);
}

/** The document with every embedded sample replaced by its current source. */
export function withSamples(doc: string, read: (file: string) => string = readSample): string {
  const lines = doc.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    out.push(line);
    const match = START.exec(line);
    if (!match?.[1]) continue;
    const end = lines.indexOf(END, i + 1);
    if (end < 0) throw new Error(`"${line}" has no "${END}"`);
    out.push('```ts', read(match[1]), '```', END);
    i = end;
  }
  return out.join('\n');
}

/** Problems of one document: code fences that are neither an embedded sample nor labelled. */
export function unlabelledFences(doc: string): number[] {
  const lines = doc.split('\n');
  const problems: number[] = [];
  let inSample = false;
  let inFence = false;
  for (const [index, line] of lines.entries()) {
    if (START.test(line)) inSample = true;
    else if (line === END) inSample = false;
    else if (line.startsWith('```')) {
      if (!inFence && CODE_FENCE.test(line) && !inSample && !NOT_RUN.test(lines[index - 1] ?? '')) {
        problems.push(index + 1);
      }
      inFence = !inFence;
    }
  }
  return problems;
}

/** The sample files a document embeds. */
export function embeddedSamples(doc: string): string[] {
  return doc
    .split('\n')
    .map((line) => START.exec(line)?.[1])
    .filter((file): file is string => file !== undefined);
}

function main(): void {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const path of documents()) {
    const doc = readFileSync(path, 'utf8');
    const next = withSamples(doc);
    if (next === doc) continue;
    stale++;
    if (check) console.error(`stale samples in ${relative(ROOT, path)}`);
    else {
      writeFileSync(path, next);
      console.log(`refreshed ${relative(ROOT, path)}`);
    }
  }
  if (check && stale > 0) {
    console.error('run `npm run docs:samples`');
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
