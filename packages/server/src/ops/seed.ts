import { EXIT, UsageError, readCommandLine } from './command-context.js';
import type { CommandOutput } from './command-context.js';
import { message } from './database-file.js';

/** Help text of `parley-server seed`. */
export const SEED_HELP = `Usage: parley-server seed [--url <server>] [--password <password>]

Creates demo accounts (alice, bob, carol) on a running server, with a direct conversation and a
group holding a few messages, so the UI can be worked on without registering people by hand.
It acts as an ordinary client: everything is encrypted by the SDK before it leaves, exactly as
in a browser. --url defaults to http://127.0.0.1:<PORT>; the password defaults to
"${'parley-demo-password'}". For development servers only: the accounts use the lowest accepted
password-stretching cost so seeding is quick.`;

/** The demo password, printed by the command and written in CONTRIBUTING.md. */
export const DEMO_PASSWORD = 'parley-demo-password';

/** The demo accounts and what they say. */
export const DEMO_USERS = [
  { username: 'alice', displayName: 'Alice Liddell' },
  { username: 'bob', displayName: 'Bob Builder' },
  { username: 'carol', displayName: 'Carol Danvers' },
] as const;

const DIRECT_SCRIPT: readonly [number, string][] = [
  [0, 'Hi Bob! This conversation is end-to-end encrypted.'],
  [1, 'Hi Alice. So the server only stores ciphertext?'],
  [0, 'Exactly: it sees who talks to whom and when, never what we say.'],
];
const GROUP_SCRIPT: readonly [number, string][] = [
  [0, 'Welcome to the demo group, everyone.'],
  [2, 'Hello! Carol here.'],
  [1, 'Hi all. Try adding a member: the next message gets a new epoch key.'],
];

/**
 * The part of `@parley/sdk` this command uses, stated here so the server's type check does not
 * pull in the client (which needs DOM types the server does not have).
 */
interface SeedConversation {
  readonly id: string;
  send(text: string): Promise<unknown>;
}
interface SeedClient {
  register(input: { username: string; displayName: string; password: string }): Promise<unknown>;
  login(input: { username: string; password: string }): Promise<unknown>;
  conversations: {
    openDirect(user: string): Promise<SeedConversation>;
    create(input: { title: string; members: string[] }): Promise<SeedConversation>;
    get(id: string): Promise<SeedConversation>;
  };
  close(): void;
}
interface SeedSdk {
  ChatClient: new (options: {
    serverUrl: string;
    storage: unknown;
    kdf: { m: number; t: number; p: number };
  }) => SeedClient;
  MemoryStore: new () => unknown;
  ChatError: { is(error: unknown, code?: string): boolean };
}

/** The lowest password-stretching cost the SDK accepts; demo accounts only. */
const DEMO_KDF = { m: 19_456, t: 2, p: 1 } as const;

/**
 * `parley-server seed`: demo data for UI work, made through the SDK like any client.
 *
 * The SDK's client code is loaded lazily and only here, through a specifier the bundler leaves
 * alone, so the server's own code and bundle never include it (DESIGN §2: the server depends
 * on `@parley/sdk/protocol` only); this command talks to the server over HTTP and Socket.io as
 * an outside client would. A second run signs the existing accounts in and adds nothing.
 */
export async function seedCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CommandOutput,
): Promise<number> {
  const line = readCommandLine(argv, env, {
    url: { type: 'string' },
    password: { type: 'string' },
  });
  if (line.extra.help) {
    io.out(SEED_HELP);
    return EXIT.ok;
  }
  if (line.positionals.length > 0) throw new UsageError('seed takes no positional arguments');
  const url =
    typeof line.extra.url === 'string'
      ? line.extra.url
      : `http://127.0.0.1:${String(line.input.port ?? 3000)}`;
  const password = typeof line.extra.password === 'string' ? line.extra.password : DEMO_PASSWORD;
  const sdkSpecifier = '@parley/sdk';
  const sdk = (await import(sdkSpecifier)) as SeedSdk;

  const clients: SeedClient[] = [];
  try {
    let created = 0;
    for (const user of DEMO_USERS) {
      const client = new sdk.ChatClient({
        serverUrl: url,
        storage: new sdk.MemoryStore(),
        kdf: DEMO_KDF,
      });
      clients.push(client);
      try {
        await client.register({ ...user, password });
        created++;
      } catch (err) {
        if (!sdk.ChatError.is(err, 'username_taken')) throw err;
        await client.login({ username: user.username, password });
      }
    }
    if (created < DEMO_USERS.length) {
      io.out(`The demo accounts already exist on ${url}; nothing added.`);
      return EXIT.ok;
    }
    const alice = clients[0]!;
    const direct = await alice.conversations.openDirect('bob');
    const group = await alice.conversations.create({
      title: 'Parley demo',
      members: ['bob', 'carol'],
    });
    await play(clients, direct.id, DIRECT_SCRIPT);
    await play(clients, group.id, GROUP_SCRIPT);
    io.out(`Seeded ${url}: accounts alice, bob and carol (password "${password}"),`);
    io.out('a direct conversation alice–bob and the group "Parley demo", each with messages.');
    return EXIT.ok;
  } catch (err) {
    io.err(`Seeding ${url} failed: ${message(err)}`);
    return EXIT.failed;
  } finally {
    for (const client of clients) client.close();
  }
}

/** Each line is sent by its speaker's own client, in order, each waiting for the ack. */
async function play(
  clients: readonly SeedClient[],
  conversationId: string,
  script: readonly [number, string][],
): Promise<void> {
  for (const [speaker, text] of script) {
    const conversation = await clients[speaker]!.conversations.get(conversationId);
    await conversation.send(text);
  }
}
