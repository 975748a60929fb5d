import { createHash } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetAssets } from './widget-assets.js';

const ENTRY = 'import("./widget-sdk-abc123.js");';

describe('widget assets', () => {
  let dir: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-widget-assets-'));
    await writeFile(join(dir, 'widget.js'), ENTRY);
    await writeFile(join(dir, 'widget-sdk-abc123.js'), 'export const sdk = 1;');
    await writeFile(join(dir, 'kdf-worker.js'), 'self.onmessage = () => {};');
    await writeFile(join(dir, 'secret.txt'), 'not served');
    const app = express();
    app.use(widgetAssets({ dir }));
    app.use((_req, res) => res.status(404).end());
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves /widget.js as JavaScript that any site may load, revalidated on each use', async () => {
    const res = await fetch(`${url}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('cache-control')).toMatch(/max-age=0/);
    expect(await res.text()).toBe(ENTRY);
  });

  it('serves the same file under a content-hashed name with a year of caching', async () => {
    const hash = createHash('sha256').update(ENTRY).digest('hex').slice(0, 12);
    const manifest = (await (await fetch(`${url}/widget-manifest.json`)).json()) as {
      widget: string;
    };
    expect(manifest.widget).toBe(`/widget.${hash}.js`);
    const res = await fetch(`${url}${manifest.widget}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe(ENTRY);
  });

  it('serves the on-demand chunks: hashed chunks immutable, the worker revalidated', async () => {
    const chunk = await fetch(`${url}/widget-sdk-abc123.js`);
    expect(chunk.status).toBe(200);
    expect(chunk.headers.get('cache-control')).toContain('immutable');
    const worker = await fetch(`${url}/kdf-worker.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('cache-control')).toMatch(/max-age=0/);
  });

  it('serves nothing else from the folder, and 404s for a wrong hash', async () => {
    expect((await fetch(`${url}/secret.txt`)).status).toBe(404);
    expect((await fetch(`${url}/widget.000000000000.js`)).status).toBe(404);
    expect((await fetch(`${url}/..%2fsecret.txt`)).status).toBe(404);
  });

  it('serves a rebuilt bundle without a restart', async () => {
    await writeFile(join(dir, 'widget.js'), 'export const v = 2;');
    // A later mtime than the first file, even on coarse file systems.
    const later = new Date(Date.now() + 5_000);
    await utimes(join(dir, 'widget.js'), later, later);
    expect(await (await fetch(`${url}/widget.js`)).text()).toBe('export const v = 2;');
    await writeFile(join(dir, 'widget.js'), ENTRY);
    const later2 = new Date(Date.now() + 10_000);
    await utimes(join(dir, 'widget.js'), later2, later2);
  });

  it('falls through to 404 when the bundle is not built', async () => {
    const app = express();
    app.use(widgetAssets({ dir: join(dir, 'missing') }));
    app.use((_req, res) => res.status(404).end());
    const other = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    const port = (other.address() as AddressInfo).port;
    expect((await fetch(`http://127.0.0.1:${port}/widget.js`)).status).toBe(404);
    await new Promise((resolve) => other.close(resolve));
  });
});
