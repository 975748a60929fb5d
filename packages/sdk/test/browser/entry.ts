// Browser bundle for the SDK's browser test: exposes the public API on `globalThis`.
import { ChatClient, ChatError } from '../../src/index.js';

Object.assign(globalThis, { parleyTest: { ChatClient, ChatError } });
