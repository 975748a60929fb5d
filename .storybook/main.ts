import { defaultClientConditions } from 'vite';
import type { StorybookConfig } from '@storybook/web-components-vite';

// Storybook for @parley/widgets: stories sit beside the components (`*.stories.ts`); the
// workspace packages resolve to their TypeScript source, as in the tests.
const config: StorybookConfig = {
  stories: ['../packages/widgets/src/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true },
  viteFinal(vite) {
    vite.resolve = { ...vite.resolve, conditions: ['parley-source', ...defaultClientConditions] };
    return vite;
  },
};

export default config;
