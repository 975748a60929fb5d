import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import type { Response } from 'express';

/** Options of {@link widgetAssets}. */
export interface WidgetAssetsOptions {
  /** Folder holding `widget.js` and its chunks. Default: `@parley/widgets`' `dist/`. */
  dir?: string;
}

interface Asset {
  body: Buffer;
  /** Content-hashed files may be cached for a year; the others are revalidated. */
  immutable: boolean;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, max-age=0, must-revalidate';
// widget.js, widget.<hash>.js, widget-sdk-<hash>.js, kdf-worker.js and their source maps.
const ASSET = /^\/((?:widget(?:[.-][A-Za-z0-9_-]+)?|kdf-worker)\.js(?:\.map)?)$/;

/** The default location of the built script-tag bundle, or `null` when it cannot be found. */
export function defaultWidgetDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@parley/widgets/package.json')), 'dist');
  } catch {
    return null;
  }
}

/**
 * Serves the `<chat-widget>` script-tag bundle: `/widget.js` (revalidated on every load, so a
 * new release shows at once), the same file as `/widget.<sha256-prefix>.js` (cached for a
 * year: link to it from pages you control), and the chunks `widget.js` loads on demand (the
 * SDK and the Argon2id worker). Any site may load them: they are public and hold no secret,
 * so they carry `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy:
 * cross-origin` (module scripts are fetched with CORS). `/widget-manifest.json` names the
 * hashed file. When the bundle is not built, these paths fall through to 404.
 */
export function widgetAssets(options: WidgetAssetsOptions = {}): Router {
  const router = Router();
  const dir = options.dir ?? defaultWidgetDir();
  let loaded: Promise<Map<string, Asset>> | undefined;
  let version = -1;
  const assets = async () => {
    // Reloaded when widget.js changes (a rebuild, `npm run dev`); one stat per request.
    const mtime =
      dir === null
        ? 0
        : await stat(join(dir, 'widget.js')).then(
            (s) => s.mtimeMs,
            () => 0,
          );
    if (mtime !== version || loaded === undefined) {
      version = mtime;
      loaded = loadAssets(dir).catch(() => new Map<string, Asset>());
    }
    return loaded;
  };

  router.get('/widget-manifest.json', async (_req, res, next) => {
    const hashed = [...(await assets()).keys()].find((name) =>
      /^widget\.[0-9a-f]{12}\.js$/.test(name),
    );
    if (!hashed) return next();
    res.set('Access-Control-Allow-Origin', '*').set('Cache-Control', REVALIDATE);
    res.json({ widget: `/${hashed}`, entry: '/widget.js' });
  });
  router.get(ASSET, async (req, res, next) => {
    const name = ASSET.exec(req.path)?.[1];
    const asset = name ? (await assets()).get(name) : undefined;
    if (!name || !asset) return next();
    send(res, name, asset);
  });
  return router;
}

async function loadAssets(dir: string | null): Promise<Map<string, Asset>> {
  const found = new Map<string, Asset>();
  if (dir === null) return found;
  const names = (await readdir(dir)).filter((n) => ASSET.test(`/${n}`));
  for (const name of names) {
    const body = await readFile(join(dir, name));
    // Rollup names chunks by content hash already; kdf-worker.js keeps a stable name.
    found.set(name, { body, immutable: name.startsWith('widget-') });
  }
  const entry = found.get('widget.js');
  if (entry) {
    const hash = createHash('sha256').update(entry.body).digest('hex').slice(0, 12);
    found.set(`widget.${hash}.js`, { body: entry.body, immutable: true });
  }
  return found;
}

function send(res: Response, name: string, asset: Asset): void {
  res.set({
    'Content-Type': name.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8',
    'Cache-Control': asset.immutable ? IMMUTABLE : REVALIDATE,
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  });
  res.send(asset.body);
}
