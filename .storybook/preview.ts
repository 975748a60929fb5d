import { setCustomElementsManifest } from '@storybook/web-components';
import type { Preview } from '@storybook/web-components';
import manifest from '../packages/widgets/custom-elements.json';
import '../packages/widgets/src/define.js';

// The Custom Elements Manifest feeds the controls and the docs tables.
setCustomElementsManifest(manifest);

const preview: Preview = {
  parameters: { controls: { expanded: true } },
};

export default preview;
