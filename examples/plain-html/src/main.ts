/**
 * `npm start -w examples/plain-html`: serves index.html at http://localhost:8080 and, unless a
 * Parley server already answers at http://localhost:3000, starts one there (data in
 * `examples/plain-html/data/`) that allows the page's origin.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createServer } from '@parley/server';
import type { ParleyServer } from '@parley/server';
import { startStaticSite } from './site.js';

const SITE_PORT = Number(process.env.PORT ?? 8080);
const PARLEY_PORT = 3000;
const ORIGINS = [`http://localhost:${SITE_PORT}`, `http://127.0.0.1:${SITE_PORT}`];
const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Whether a Parley server answers on the port already (for example `npm start` at the root). */
async function parleyRunning(): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${PARLEY_PORT}/health`);
    return res.ok;
  } catch {
    return false;
  }
}

/** Whether that server lets the page's origin call its API (its ALLOWED_ORIGINS). */
async function allowsOrigin(origin: string): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${PARLEY_PORT}/api/v1/auth/login`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST' },
  });
  return res.headers.get('access-control-allow-origin') === origin;
}

async function main(): Promise<void> {
  let parley: ParleyServer | undefined;
  if (await parleyRunning()) {
    if (!(await allowsOrigin(ORIGINS[0]!))) {
      console.warn(
        `A Parley server already runs on port ${PARLEY_PORT}, but it does not allow ${ORIGINS[0]}.\n` +
          `Restart it with ALLOWED_ORIGINS=${ORIGINS.join(',')} (or stop it and run this again).`,
      );
    }
  } else {
    parley = await createServer({
      port: PARLEY_PORT,
      dataDir: at('../data'),
      allowedOrigins: ORIGINS,
      logLevel: 'warn',
    });
    await parley.listen();
  }
  const html = await readFile(at('../index.html'), 'utf8');
  const site = await startStaticSite(html, { port: SITE_PORT });
  console.log(
    `Open http://localhost:${SITE_PORT}/ (Parley server: http://localhost:${PARLEY_PORT})`,
  );

  const stop = async () => {
    await site.close();
    await parley?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

await main();
