import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { message } from './database-file.js';
import { ok, problem, warning } from './finding.js';
import type { Finding } from './finding.js';

/** A certificate expiring sooner than this is a warning. */
export const EXPIRY_WARNING_MS = 14 * 24 * 60 * 60 * 1000;

function readFile(label: string, path: string): Buffer | Finding {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'the file does not exist'
        : code === 'EACCES'
          ? 'permission denied for the server user'
          : message(err);
    return problem(label, `Cannot read ${path}: ${why}.`);
  }
}

/**
 * Checks `TLS_CERT` and `TLS_KEY` as the server will load them: both readable, the certificate a
 * PEM X.509 valid now (a warning when it expires within 14 days), the key a private key that
 * matches the certificate.
 */
export function checkTls(
  certPath: string | undefined,
  keyPath: string | undefined,
  now: number,
): Finding[] {
  if (certPath === undefined && keyPath === undefined)
    return [ok('TLS', 'not configured: plain HTTP (put a TLS proxy in front, see deploy/)')];
  if (certPath === undefined || keyPath === undefined)
    return [problem('TLS', 'TLS_CERT and TLS_KEY must be set together.')];
  const certPem = readFile('TLS certificate', certPath);
  const keyPem = readFile('TLS key', keyPath);
  const unreadable = [certPem, keyPem].filter((x): x is Finding => !Buffer.isBuffer(x));
  if (unreadable.length > 0) return unreadable;

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem as Buffer);
  } catch (err) {
    return [problem('TLS certificate', `${certPath} is not a PEM certificate: ${message(err)}`)];
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem as Buffer);
  } catch (err) {
    return [problem('TLS key', `${keyPath} is not a PEM private key: ${message(err)}`)];
  }
  const findings: Finding[] = [];
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (now < from) findings.push(problem('TLS certificate', `not valid before ${cert.validFrom}.`));
  else if (now > to) findings.push(problem('TLS certificate', `expired on ${cert.validTo}.`));
  else if (to - now < EXPIRY_WARNING_MS)
    findings.push(warning('TLS certificate', `expires soon, on ${cert.validTo}: renew it.`));
  else
    findings.push(
      ok('TLS certificate', `${cert.subject.replace(/\n/g, ', ')}, valid until ${cert.validTo}`),
    );
  findings.push(
    cert.checkPrivateKey(key)
      ? ok('TLS key', 'matches the certificate')
      : problem('TLS key', `${keyPath} does not belong to the certificate ${certPath}.`),
  );
  return findings;
}
