import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Parley server the dev server forwards the API and the socket to, so the app and the
// API share an origin (no ALLOWED_ORIGINS needed). Start it with `npm start` at the root.
const PARLEY_URL = process.env.PARLEY_URL ?? 'http://localhost:3000';
const proxy = {
  '/api': PARLEY_URL,
  '/socket.io': { target: PARLEY_URL, ws: true },
};

export default defineConfig({
  plugins: [react()],
  // Inside this repository, use the workspace packages' TypeScript sources (no build needed).
  // An app that installs @parley/widgets from npm leaves this out.
  resolve: { conditions: ['parley-source', ...defaultClientConditions] },
  // One bundle holds React, the components and the SDK with its crypto (≈ 210 KB gzipped).
  build: { chunkSizeWarningLimit: 800 },
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 4173, strictPort: true, proxy },
});
