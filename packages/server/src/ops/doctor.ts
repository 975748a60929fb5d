import { resolve } from 'node:path';
import { ConfigError, parseConfig } from '../config.js';
import type { ServerConfigInput } from '../config.js';
import { checkDataDir } from './check-data-dir.js';
import { checkTls } from './check-tls.js';
import { EXIT, readCommandLine } from './command-context.js';
import type { CommandOutput } from './command-context.js';
import { ok, problem, warning } from './finding.js';
import type { Finding, Severity } from './finding.js';
import { probePostgres, probeRedis } from './service-probes.js';

/** Help text of `parley-server doctor`. */
export const DOCTOR_HELP = `Usage: parley-server doctor [server options]

Checks what the server needs, with the same flags and environment as the server itself: the
configuration, the data folder (writable, private, free space, database sound), the TLS files,
and Redis and PostgreSQL when REDIS_URL / DATABASE_URL are set. Prints one line per check and
exits 1 when any problem was found (warnings alone exit 0).`;

const MARK: Record<Severity, string> = { ok: 'ok     ', warning: 'warning', problem: 'PROBLEM' };

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Runs every check. The configuration is validated first, but a wrong setting does not stop the
 * rest: the other checks run on the raw values, so one run lists everything to fix.
 */
export async function diagnose(input: ServerConfigInput, now: number): Promise<Finding[]> {
  const findings: Finding[] = [];
  try {
    const config = parseConfig(input);
    findings.push(ok('configuration', 'every setting is valid'));
    if (config.host !== '127.0.0.1' && config.host !== 'localhost' && !config.tlsCert) {
      findings.push(
        warning(
          'configuration',
          `HOST is ${config.host} without TLS_CERT: make sure a TLS proxy is the only way in (see deploy/).`,
        ),
      );
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) findings.push(problem('configuration', p));
  }
  findings.push(...(await checkDataDir(resolve(asString(input.dataDir) ?? './data'))));
  findings.push(...checkTls(asString(input.tlsCert), asString(input.tlsKey), now));
  const redisUrl = asString(input.redisUrl);
  const databaseUrl = asString(input.databaseUrl);
  const [redis, postgres] = await Promise.all([
    redisUrl && /^rediss?:\/\//.test(redisUrl) ? probeRedis(redisUrl) : undefined,
    databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl) ? probePostgres(databaseUrl) : undefined,
  ]);
  findings.push(redis ?? ok('Redis', 'not configured: single node'));
  findings.push(postgres ?? ok('PostgreSQL', 'not configured: SQLite in the data folder'));
  return findings;
}

/** `parley-server doctor`: prints each finding; exits 1 when any is a problem. */
export async function doctorCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CommandOutput,
  now: () => number = Date.now,
): Promise<number> {
  const line = readCommandLine(argv, env);
  if (line.extra.help) {
    io.out(DOCTOR_HELP);
    return EXIT.ok;
  }
  const findings = await diagnose(line.input, now());
  for (const f of findings) io.out(`${MARK[f.severity]}  ${f.subject}: ${f.message}`);
  const problems = findings.filter((f) => f.severity === 'problem').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  io.out(
    problems === 0
      ? `\nNo problems found${warnings ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''}.`
      : `\n${problems} problem${problems > 1 ? 's' : ''} found.`,
  );
  return problems === 0 ? EXIT.ok : EXIT.failed;
}
