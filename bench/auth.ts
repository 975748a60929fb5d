/**
 * Accounts benchmark: register and login time split into the client's Argon2id and the server's
 * share, at the default and floor KDF parameters, then login requests per second against a
 * server in its own process (autocannon, rate limits lifted for the measurement).
 */
import { rm } from 'node:fs/promises';
import autocannon from 'autocannon';
import { ChatClient, MemoryStore } from '@parley/sdk';
import { argon2id, deriveLoginKeys, getCryptoProvider, toB64u } from '@parley/sdk/crypto';
import type { KdfParams } from '@parley/sdk/protocol';
import { median, round, startBenchServer } from './util.js';

const UNLIMITED = { points: 1_000_000, durationSec: 60 };
const FLOOR = { m: 19_456, t: 2, p: 1 };
const NO_RATE_LIMITS = Object.fromEntries(
  [
    'preloginIp',
    'preloginUserIp',
    'loginIp',
    'loginFailIp',
    'loginFailUserIp',
    'loginFailUser',
    'registerIp',
    'registerUser',
    'refreshIp',
    'refreshUser',
  ].map((k) => [k, UNLIMITED]),
);

async function post(
  url: string,
  path: string,
  body: unknown,
): Promise<{ status: number; ms: number; json: unknown }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json().catch(() => null);
  return { status: res.status, ms: performance.now() - t0, json };
}

/** One login done by hand, so the client's KDF and the server's work are timed apart. */
async function timedLogin(url: string, username: string, password: string) {
  const provider = await getCryptoProvider();
  const pre = await post(url, '/auth/prelogin', { username });
  const kdf = (pre.json as { kdf: KdfParams }).kdf;
  const t0 = performance.now();
  const master = await argon2id(password, kdf);
  const { authKey } = await deriveLoginKeys(provider, master);
  const kdfMs = performance.now() - t0;
  const login = await post(url, '/auth/login', { username, authKey: toB64u(authKey) });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  return { kdfMs, serverMs: login.ms + pre.ms, authKey: toB64u(authKey) };
}

export async function runAuthBench(opts: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<Record<string, number>> {
  const dataDir = `/tmp/parley-bench-auth-${process.pid}`;
  const server = await startBenchServer({ rateLimits: NO_RATE_LIMITS, dataDir });
  const out: Record<string, number> = {};
  try {
    const rounds = opts.quick ? 1 : 3;
    // Quick runs (CI smoke) skip the default parameters: seconds of Argon2id each.
    const presets: Array<[string, { m: number; t: number; p: number }]> = [
      ...(opts.quick ? [] : [['Default', { m: 65_536, t: 3, p: 1 }] as [string, typeof FLOOR]]),
      ['Floor', FLOOR],
    ];
    let loginUser = { username: '', authKey: '' };
    for (const [name, kdf] of presets) {
      const register: number[] = [];
      const loginKdf: number[] = [];
      const loginServer: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const username = `bench${name.toLowerCase()}${i}x${Date.now().toString(36)}`;
        const password = `bench password ${i}`;
        const client = new ChatClient({
          serverUrl: server.url,
          storage: new MemoryStore(),
          kdf,
          persistSession: false,
        });
        const t0 = performance.now();
        await client.register({ username, password });
        register.push(performance.now() - t0);
        client.close();
        const login = await timedLogin(server.url, username, password);
        loginKdf.push(login.kdfMs);
        loginServer.push(login.serverMs);
        loginUser = { username, authKey: login.authKey };
        opts.log(
          `${name} KDF: register ${round(register.at(-1) ?? 0)} ms, login KDF ${round(login.kdfMs)} ms + server ${round(login.serverMs)} ms`,
        );
      }
      out[`register${name}Ms`] = round(median(register));
      out[`loginClientKdf${name}Ms`] = round(median(loginKdf));
      out[`loginServer${name}Ms`] = round(median(loginServer));
    }

    const duration = opts.quick ? 2 : 15;
    opts.log(`autocannon: POST /auth/login for ${duration} s with 8 connections`);
    const result = await autocannon({
      url: `${server.url}/api/v1/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(loginUser),
      connections: 8,
      duration,
    });
    out.loginRequestsPerSec = round(result.requests.average);
    out.loginLatencyP50Ms = round(result.latency.p50);
    out.loginLatencyP99Ms = round(result.latency.p99);
    out.loginNon2xx = result.non2xx;
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return out;
}
