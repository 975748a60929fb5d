import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import type { Attachment } from '@parley/sdk';

// Stand-ins for the SDK's Attachment: same shape, bytes made here instead of downloaded.
const fake = (name: string, type: string, bytes: () => Promise<Blob>, size = 48_213): Attachment =>
  ({
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    name,
    type,
    size,
    thumbnail: null,
    descriptor: { sha256: name },
    isImage: type.startsWith('image/'),
    download: bytes,
    downloadThumbnail: () => Promise.resolve(null),
  }) as unknown as Attachment;

const picture = (): Promise<Blob> => {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 200;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#0b57d0';
  g.fillRect(0, 0, 320, 200);
  g.fillStyle = '#fff';
  g.font = '32px system-ui';
  g.fillText('Trip photo', 80, 110);
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
};

const tampered = () =>
  Promise.reject(Object.assign(new Error('tampered'), { code: 'decryption_failed' }));

const meta: Meta = { title: 'Parts/chat-file', component: 'chat-file' };
export default meta;
type Story = StoryObj;

const show = (attachment: Attachment) =>
  html`<chat-file style="max-width:320px" .attachment=${attachment}></chat-file>`;

export const Document: Story = {
  render: () =>
    show(fake('Q3 plan.pdf', 'application/pdf', () => Promise.resolve(new Blob(['%PDF-'])))),
};
export const Image: Story = { render: () => show(fake('trip.png', 'image/png', picture)) };
export const TamperedImage: Story = { render: () => show(fake('trip.png', 'image/png', tampered)) };
export const Unavailable: Story = {
  render: () =>
    show(
      fake('gone.png', 'image/png', () =>
        Promise.reject(Object.assign(new Error('gone'), { code: 'not_found' })),
      ),
    ),
};
