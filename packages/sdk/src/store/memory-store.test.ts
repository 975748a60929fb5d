import { describeLocalStoreContract } from './local-store-contract.js';
import { MemoryStore } from './memory-store.js';

describeLocalStoreContract('MemoryStore', async () => ({
  store: new MemoryStore(),
  reopen: async () => null,
}));
