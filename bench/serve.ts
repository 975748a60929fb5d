/**
 * Starts a server for a benchmark in its own process (so the load generator does not compete
 * with it for the event loop). Options come as JSON in argv[2]; prints `READY <url>` when
 * listening, answers stats requests over IPC (bench/process-stats.ts) and stops on SIGTERM.
 */
import { createServer } from '@parley/server';
import type { ServerOptions } from '@parley/server';
import { answerStats } from './process-stats.js';

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
const server = await createServer({ port: 0, logLevel: 'warn', ...options });
const { url } = await server.listen();
answerStats();
process.stdout.write(`READY ${url}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
