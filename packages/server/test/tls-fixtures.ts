/**
 * Shared pieces of the TLS and reverse-proxy tests: finding the host's tools, a throwaway
 * self-signed certificate, a minimal nginx main configuration and a TLS handshake probe.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';

/** The first of `paths` that exists, or undefined when the tool is not installed. */
export const findBinary = (...paths: string[]): string | undefined =>
  paths.find((p) => existsSync(p));

/** The host's openssl, used to make test certificates (undefined when missing). */
export const OPENSSL = findBinary('/usr/bin/openssl', '/usr/local/bin/openssl');

/** The host's nginx (undefined when missing). */
export const NGINX = findBinary('/usr/sbin/nginx', '/usr/bin/nginx');

/** Paths of a certificate and its private key in PEM. */
export interface CertificateFiles {
  cert: string;
  key: string;
}

/**
 * Makes a self-signed P-256 certificate for `cn`, valid for `days`, as `<prefix>cert.pem` and
 * `<prefix>key.pem` in `dir`. Needs {@link OPENSSL}.
 */
export function makeCertificate(
  dir: string,
  options: { cn: string; days: number; prefix?: string },
): CertificateFiles {
  if (!OPENSSL) throw new Error('makeCertificate needs openssl');
  const prefix = options.prefix ?? '';
  const cert = join(dir, `${prefix}cert.pem`);
  const key = join(dir, `${prefix}key.pem`);
  execFileSync(
    OPENSSL,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(options.days),
      '-subj',
      `/CN=${options.cn}`,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/**
 * Writes `<work>/nginx.conf`: a main configuration that keeps every nginx file under `work`
 * and includes `site`. `daemon: false` keeps nginx in the foreground. Returns its path.
 */
export function writeNginxMain(work: string, site: string, options: { daemon?: boolean } = {}) {
  const main = join(work, 'nginx.conf');
  writeFileSync(
    main,
    `${options.daemon === false ? 'daemon off;\n' : ''}pid ${work}/nginx.pid;\n` +
      `error_log ${work}/error.log;\nevents {}\nhttp {\n` +
      `  access_log off;\n  client_body_temp_path ${work}/body;\n  proxy_temp_path ${work}/proxy;\n` +
      `  include ${site};\n}\n`,
  );
  return main;
}

/** Completes a TLS handshake pinned to `version`; resolves with the negotiated protocol. */
export function handshake(port: number, version: tls.SecureVersion): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      minVersion: version,
      maxVersion: version,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.end();
    });
    socket.once('error', reject);
  });
}
