import { useState } from 'react';
import { ChatWidget } from '@parley/widgets/react';
import { client } from './client.js';
import { RecentMessages } from './RecentMessages.js';

/** The widget (sign-in, conversations, composer) beside a list of our own on the SDK. */
export function App() {
  const [unread, setUnread] = useState(0);
  return (
    <div className="app">
      <header>
        <h1>Parley in React</h1>
        <p>
          Left: <code>&lt;ChatWidget&gt;</code> from <code>@parley/widgets/react</code>. Right: a
          component of this app on <code>@parley/sdk</code>. Both use the same{' '}
          <code>ChatClient</code>. Unread: <strong>{unread}</strong>
        </p>
      </header>
      <main>
        <ChatWidget
          className="widget"
          client={client}
          mode="inline"
          theme="auto"
          onChatUnreadChange={(event) => setUnread(event.detail.count)}
        />
        <section className="panel" aria-labelledby="recent-title">
          <h2 id="recent-title">Recent messages (built on the SDK)</h2>
          <RecentMessages client={client} />
        </section>
      </main>
    </div>
  );
}
