import type { ChatClient } from '@parley/sdk';
import { useRecentMessages } from './use-recent-messages.js';
import { useSession } from './use-session.js';
import { useUserNames } from './use-user-names.js';

const STATUS: Record<string, string> = {
  pending: 'sending…',
  sent: '',
  failed: 'not sent',
  undecryptable: 'could not be decrypted',
};

/**
 * A message list of our own, built directly on `@parley/sdk` instead of the components: the
 * newest messages of all conversations, decrypted in this browser.
 */
export function RecentMessages({ client }: { client: ChatClient }) {
  const me = useSession(client);
  const messages = useRecentMessages(client);
  const names = useUserNames(
    client,
    messages.map((m) => m.sender),
  );

  if (!me) return <p className="muted">Sign in with the widget to see your messages here.</p>;
  if (messages.length === 0) return <p className="muted">No messages yet.</p>;
  return (
    <ol className="recent" aria-label="Recent messages">
      {messages.map((m) => (
        <li key={m.clientMsgId ?? m.id} className={m.sender === me.id ? 'mine' : undefined}>
          <span className="sender">
            {m.sender === me.id ? 'You' : (names.get(m.sender) ?? m.sender)}
          </span>
          <span className="text">{m.status === 'undecryptable' ? '🔒' : m.text}</span>
          <time dateTime={new Date(m.ts).toISOString()}>
            {new Date(m.ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
          </time>
          {STATUS[m.status] ? <span className="status">{STATUS[m.status]}</span> : null}
        </li>
      ))}
    </ol>
  );
}
