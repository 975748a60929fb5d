/** README "Files": sending a File and a Node stream, downloading on the other side. */
import assert from 'node:assert/strict';
import { createReadStream, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attachment } from '@parley/sdk';
import { someone } from './support/people.js';

export default async function files(): Promise<void> {
  const alice = await someone('alice');
  const bob = await someone('bob');
  const dm = await alice.conversations.openDirect('bob');
  const folder = mkdtempSync(join(tmpdir(), 'parley-docs-'));
  const path = join(folder, 'report.pdf');
  writeFileSync(path, '%PDF-1.7\n% a tiny report\n%%EOF\n');
  const bar = { value: 0 };
  const home = process.cwd();
  const log = console.log;
  process.chdir(folder);
  try {
    let shown = 0;
    console.log = () => void shown++;
    const received: Attachment[] = [];
    const bobGotBoth = new Promise<void>((resolve) => {
      bob.on('message', (m) => {
        received.push(...m.attachments);
        if (received.length === 2) resolve();
      });
    });

    // #region docs
    // Bob's side: every file that arrives.
    bob.on('message', async (m) => {
      for (const file of m.attachments) {
        console.log(file.name, file.type, file.size, file.thumbnail); // thumbnail: { width, height, … } or null
        const bytes = await file.download(); // Blob in browsers, Uint8Array in Node: decrypted, verified
        const thumb = await file.downloadThumbnail(); // or null
        const stream = await file.stream(); // for large files; errors (never ends) if tampered with
        await stream.pipeTo(new WritableStream()); // e.g. to a file, as it arrives
        console.log(bytes, thumb);
      }
    });

    // Alice's side. In browsers: a File or Blob (e.g. input.files[0]).
    // In Node: bytes, a web ReadableStream, or a Node stream with its size.
    const slides = new File(['# Q3 plan'], 'slides.txt', { type: 'text/plain' });
    const controller = new AbortController();
    await dm.sendFile(slides, {
      caption: 'the slides', // optional text; name and type are read from a File
      onProgress: ({ loaded, total }) => (bar.value = loaded / total),
      signal: controller.signal, // controller.abort() cancels the upload
    });
    await dm.sendFile(createReadStream('report.pdf'), {
      size: statSync('report.pdf').size,
      name: 'report.pdf',
    });
    // #endregion docs

    await bobGotBoth;
    while (shown < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    const [first, second] = received;
    assert.equal(first?.name, 'slides.txt');
    assert.equal(new TextDecoder().decode((await first?.download()) as Uint8Array), '# Q3 plan');
    assert.equal(second?.name, 'report.pdf');
    assert.equal(second?.type, 'application/pdf');
    assert.equal(bar.value, 1);
  } finally {
    console.log = log;
    process.chdir(home);
    rmSync(folder, { recursive: true, force: true });
  }
}
