// Test bundle: registers the components and exposes the public API for page scripts.
import * as widgets from '../src/define.js';
import { mayHaveStoredSession } from '../src/internal/stored-session.js';
import { ChatClient, IndexedDbStore, MemoryStore, SESSION_KEY } from '@parley/sdk';

Object.assign(globalThis, {
  parleyWidgets: widgets,
  parleyInternals: { mayHaveStoredSession },
  parleySdk: { ChatClient, IndexedDbStore, MemoryStore, SESSION_KEY },
});
