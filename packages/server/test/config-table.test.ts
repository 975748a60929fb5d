import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC_PATH, renderConfigTable, withConfigTable } from '../../../scripts/config-table.js';
import { SETTING_NAMES } from '../src/config.js';

describe('the configuration table in docs/self-hosting.md', () => {
  it('is the one the schema generates (run `npm run docs:config` when this fails)', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    expect(doc).toBe(withConfigTable(doc));
  });

  it('lists every environment variable with its flag', () => {
    const table = renderConfigTable();
    for (const { env, flag } of Object.values(SETTING_NAMES)) {
      expect(table).toContain(`| \`${env}\` | ${flag ? `\`${flag}\`` : ''} |`);
    }
  });
});
