import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, chromiumAvailable, startHarness } from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';

const base = {
  clientMsgId: null,
  conversationId: 'c1',
  sender: 'u-alice',
  attachments: [],
  ts: Date.parse('2026-01-02T10:30:00Z'),
  seq: 1,
};

describe.skipIf(!chromiumAvailable())('<chat-message>', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  async function render(messages: object[], mine = false) {
    const page = await harness.open('<main><h1>Messages</h1><div id="host"></div></main>');
    await page.evaluate(
      async ({ messages, mine }) => {
        const host = document.getElementById('host')!;
        for (const message of messages) {
          const el = document.createElement('chat-message') as unknown as HTMLElement &
            Record<string, unknown>;
          el.message = message;
          el.senderName = 'Alice';
          el.mine = mine;
          host.append(el);
          await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
        }
      },
      { messages, mine },
    );
    return page;
  }

  it('renders HTML in a message as text, never as markup', async () => {
    const text = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    const page = await render([{ ...base, id: 'm1', text, status: 'sent' }]);
    const shown = await page.evaluate(() => {
      const root = document.querySelector('chat-message')!.shadowRoot!;
      return {
        text: root.querySelector('[part="text"]')!.textContent,
        images: root.querySelectorAll('img, script').length,
        pwned: (window as unknown as { pwned?: number }).pwned,
      };
    });
    expect(shown).toEqual({ text, images: 0, pwned: undefined });
    await page.close();
  });

  it('makes only http and https links clickable, with noopener noreferrer', async () => {
    const text =
      'see https://example.com/a?b=1. or javascript:alert(1) or data:text/html,x and http://x.test';
    const page = await render([{ ...base, id: 'm1', text, status: 'sent' }]);
    const links = await page.evaluate(() =>
      [...document.querySelector('chat-message')!.shadowRoot!.querySelectorAll('a')].map((a) => ({
        href: a.getAttribute('href'),
        rel: a.rel,
        target: a.target,
        text: a.textContent,
      })),
    );
    expect(links).toEqual([
      {
        href: 'https://example.com/a?b=1',
        rel: 'noopener noreferrer',
        target: '_blank',
        text: 'https://example.com/a?b=1',
      },
      {
        href: 'http://x.test/',
        rel: 'noopener noreferrer',
        target: '_blank',
        text: 'http://x.test',
      },
    ]);
    await page.close();
  });

  it('explains why a message cannot be decrypted', async () => {
    const page = await render([
      { ...base, id: 'm1', text: '', status: 'undecryptable', reason: 'no_envelope_for_user' },
    ]);
    const placeholder = await page.evaluate(() =>
      document
        .querySelector('chat-message')!
        .shadowRoot!.querySelector('[part="undecryptable"]')
        ?.textContent?.trim(),
    );
    expect(placeholder).toBe('This message cannot be decrypted: it was sent before you joined.');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('shows the delivery state of own messages and retries a failed one', async () => {
    const page = await render(
      [
        { ...base, id: 'm1', text: 'queued', status: 'pending', seq: null },
        { ...base, id: 'm2', text: 'stored', status: 'sent' },
        { ...base, id: 'm3', text: 'refused', status: 'failed', error: 'forbidden' },
      ],
      true,
    );
    const states = await page.evaluate(() =>
      [...document.querySelectorAll('chat-message')].map((el) =>
        el.shadowRoot!.querySelector('[part="status"]')?.textContent?.trim(),
      ),
    );
    expect(states).toEqual(['Sending', 'Sent', 'Not sent']);
    const retried = await page.evaluate(() => {
      const el = document.querySelectorAll('chat-message')[2]!;
      let detail: unknown;
      document.addEventListener('chat-message-retry', (e) => (detail = (e as CustomEvent).detail));
      (el.shadowRoot!.querySelector('[part="retry"]') as HTMLButtonElement).click();
      return detail;
    });
    expect(retried).toEqual({ conversationId: 'c1', messageId: 'm3' });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('uses the string table of the page language', async () => {
    const page = await harness.open('<main lang="es"><div id="host"></div></main>');
    const status = await page.evaluate(
      async (message) => {
        const el = document.createElement('chat-message') as unknown as HTMLElement &
          Record<string, unknown>;
        el.message = message;
        el.mine = true;
        document.getElementById('host')!.append(el);
        await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
        return el.shadowRoot!.querySelector('[part="status"]')?.textContent?.trim();
      },
      { ...base, id: 'm1', text: 'hola', status: 'pending', seq: null },
    );
    expect(status).toBe('Enviando');
    await page.close();
  });
});
