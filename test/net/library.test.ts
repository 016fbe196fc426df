/** The README's library example, through the package entry point. */
import { expect, it } from 'vitest';
import { StoreRefusedError, createNode, generateSigningKeyPair, keyFromString } from '../../src/index.js';

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

it('the README\'s "which put to use": put keeps the first value, putSigned updates with a higher seq', async () => {
  const a = await createNode({ listen: '127.0.0.1:0' });
  const b = await createNode({ listen: '127.0.0.1:0' });
  try {
    await b.join([a.addressText]);
    expect((await b.put('fixed', 'first')).stored).toBe(2);
    const refused = a.put('fixed', 'second');
    await expect(refused).rejects.toBeInstanceOf(StoreRefusedError);
    await expect(refused).rejects.toThrow(/2 × conflict/);
    expect(new TextDecoder().decode((await a.get('fixed')).value)).toBe('first');

    const keys = generateSigningKeyPair();
    const one = await b.putSigned(keys, 'status', 'online');
    const two = await b.putSigned(keys, 'status', 'away');
    expect(two.seq).toBeGreaterThan(one.seq);
    expect(two.stored).toBe(2);
    const got = await a.get(two.key);
    expect(new TextDecoder().decode(got.value)).toBe('away');
    expect(got.signed?.publicKey).toEqual(keys.publicKey);
    await expect(b.putSigned(keys, 'status', 'x'.repeat(1001))).rejects.toThrow(/a signed value is at most 1000 bytes, got 1001/);
  } finally {
    await a.close();
    await b.close();
  }
});
