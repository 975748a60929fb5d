import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  version: string;
  /** Base URL shown in the document; relative (`/`) by default so it works behind any host. */
  serverUrl?: string;
}

/** Generates the OpenAPI 3.1 document from the routes registered on the API. */
export function buildOpenApiDocument(registry: OpenAPIRegistry, options: OpenApiOptions): object {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Parley API',
      version: options.version,
      description:
        'REST API of the Parley reference server. The server never sees plaintext, private keys ' +
        'or passwords: bodies carry ciphertext, wrapped keys and public keys as unpadded ' +
        'base64url. Errors are `{ "error": { "code", "message", "field"? } }` with stable codes.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.serverUrl ?? '/' }],
  });
}
