/** The README's library example, through the package entry point. */
import { expect, it } from 'vitest';
import { createNode, keyFromString } from '../../src/index.js';

it('the README example works: join, put, get, findNode, ping, events, close', async () => {
  const a = await createNode({ listen: '127.0.0.1:0', seed: 1 });
  const b = await createNode({ listen: '127.0.0.1:0', seed: 2 });
  try {
    await b.join([a.addressText]);
    const stored: number[] = [];
    a.on('stored', (ev) => stored.push(ev.version));
    const put = await b.put('greeting', 'hello');
    expect(put.stored).toBe(2);
    expect(stored).toEqual([put.version]);
    const got = await a.get('greeting');
    expect(new TextDecoder().decode(got.value)).toBe('hello');
    expect((await a.get(keyFromString('greeting'))).found).toBe(true);
    const near = await a.findNode(new Uint8Array(20));
    expect(near.closest).toEqual([{ id: Buffer.from(b.id).toString('hex'), address: b.addressText }]);
    const pong = await a.ping(b.addressText);
    expect(pong?.id).toBe(Buffer.from(b.id).toString('hex'));
    await expect(a.put('big', 'x'.repeat(2000))).rejects.toThrow(/2000 bytes; the limit is 1024/);
  } finally {
    await a.close();
    await b.close();
  }
  await expect(a.get('greeting')).rejects.toThrow(/closed/);
});
