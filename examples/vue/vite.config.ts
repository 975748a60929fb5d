import { defaultClientConditions, defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The Parley server the dev server forwards the API and the socket to, so the app and the
// API share an origin (no ALLOWED_ORIGINS needed). Start it with `npm start` at the root.
const PARLEY_URL = process.env.PARLEY_URL ?? 'http://localhost:3000';
const proxy = {
  '/api': PARLEY_URL,
  '/socket.io': { target: PARLEY_URL, ws: true },
};

export default defineConfig({
  plugins: [
    vue({
      // <chat-*> tags are Parley's custom elements, not Vue components.
      template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('chat-') } },
    }),
  ],
  // Inside this repository, use the workspace packages' TypeScript sources (no build needed).
  // An app that installs @parley/widgets from npm leaves this out.
  resolve: { conditions: ['parley-source', ...defaultClientConditions] },
  // One bundle holds Vue, the components and (loaded on sign-in) the SDK with its crypto.
  build: { chunkSizeWarningLimit: 800 },
  server: { port: 5174, strictPort: true, proxy },
  preview: { port: 4174, strictPort: true, proxy },
});
