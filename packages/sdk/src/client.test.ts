import { describe, expect, it, vi } from 'vitest';
import { ChatClient, clientInternals } from './client.js';
import { ChatError } from './errors.js';
import type { ChatClientEvents } from './types.js';

const serverUrl = 'http://127.0.0.1:9';

describe('ChatClient construction', () => {
  it('starts signed out', () => {
    const client = new ChatClient({ serverUrl });
    expect(client.me).toBeNull();
    expect(clientInternals(client).account()).toBeNull();
    expect(clientInternals(client).rest.baseUrl).toBe(`${serverUrl}/api/v1`);
    client.close();
  });

  it('refuses Argon2id parameters below the floor or above the ceiling', () => {
    expect(() => new ChatClient({ serverUrl, kdf: { m: 8192 } })).toThrow(RangeError);
    expect(() => new ChatClient({ serverUrl, kdf: { t: 1 } })).toThrow(RangeError);
    expect(() => new ChatClient({ serverUrl, kdf: { p: 64 } })).toThrow(RangeError);
    expect(() => new ChatClient({ serverUrl, kdf: { m: 19_456, t: 2 } })).not.toThrow();
  });

  it('refuses a malformed server URL', () => {
    expect(() => new ChatClient({ serverUrl: 'chat.example.com' })).toThrow(TypeError);
  });

  it('hands out internals only for real clients', () => {
    expect(() => clientInternals({} as ChatClient)).toThrow(TypeError);
  });
});

describe('ChatClient events', () => {
  it('turns a throwing listener into an error event and keeps delivering', () => {
    const client = new ChatClient({ serverUrl });
    const { events } = clientInternals(client);
    const errors: ChatError[] = [];
    const after = vi.fn();
    client.on('error', (error) => errors.push(error));
    client.on('session', () => {
      throw new Error('host bug');
    });
    client.on('session', after);
    events.emit('session', 'signed-in');
    expect(after).toHaveBeenCalledWith('signed-in');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ChatError);
    expect(errors[0]?.code).toBe('internal');
    expect((errors[0]?.cause as Error).message).toBe('host bug');
    client.close();
  });

  it('does not loop when an error listener throws', () => {
    const client = new ChatClient({ serverUrl });
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    client.on('error', () => {
      throw new Error('error listener bug');
    });
    clientInternals(client).events.emit('error', new ChatError('internal', 'x'));
    expect(consoleError).toHaveBeenCalledTimes(1);
    consoleError.mockRestore();
    client.close();
  });

  it('unsubscribes with the function on() returns, and close() drops every listener', () => {
    const client = new ChatClient({ serverUrl });
    const { events } = clientInternals(client);
    const listener = vi.fn<(p: ChatClientEvents['kdf-progress']) => void>();
    const off = client.on('kdf-progress', listener);
    events.emit('kdf-progress', 0.5);
    off();
    events.emit('kdf-progress', 1);
    expect(listener).toHaveBeenCalledTimes(1);
    const other = vi.fn();
    client.on('session', other);
    client.close();
    events.emit('session', 'signed-out');
    expect(other).not.toHaveBeenCalled();
  });

  it('fails operations after close with unavailable', async () => {
    const client = new ChatClient({ serverUrl });
    client.close();
    await expect(client.login({ username: 'a', password: 'b' })).rejects.toMatchObject({
      code: 'unavailable',
    });
    await expect(client.sessions()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('refuses signed-in operations while signed out, without a request', async () => {
    const fetchSpy = vi.fn<typeof fetch>();
    const client = new ChatClient({ serverUrl, fetch: fetchSpy });
    await expect(client.sessions()).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(client.logoutEverywhere()).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(
      client.changePassword({ currentPassword: 'a', newPassword: 'b' }),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    await client.logout();
    expect(await client.resume()).toBe(false);
    expect(fetchSpy).not.toHaveBeenCalled();
    client.close();
  });
});
