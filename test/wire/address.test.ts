import { describe, expect, it } from 'vitest';
import {
  ADDRESS_BYTES,
  addressBodyBytes,
  CONTACT_BYTES,
  formatAddress,
  parseAddress,
  readAddress,
  writeAddress,
  type Address,
} from '../../src/wire/address.js';

describe('parseAddress / formatAddress', () => {
  it.each([
    ['127.0.0.1:8080', { kind: 'ipv4', host: '127.0.0.1', port: 8080 }, '127.0.0.1:8080'],
    ['[::1]:8080', { kind: 'ipv6', host: '::1', port: 8080 }, '[::1]:8080'],
    ['[::]:0', { kind: 'ipv6', host: '::', port: 0 }, '[::]:0'],
    ['[2001:DB8:0:0:1:0:0:1]:53', { kind: 'ipv6', host: '2001:db8::1:0:0:1', port: 53 }, '[2001:db8::1:0:0:1]:53'],
    ['[2001:db8:0:1:1:1:1:1]:1', { kind: 'ipv6', host: '2001:db8:0:1:1:1:1:1', port: 1 }, '[2001:db8:0:1:1:1:1:1]:1'],
    ['[fe80::]:1', { kind: 'ipv6', host: 'fe80::', port: 1 }, '[fe80::]:1'],
    ['[::ffff:10.0.0.1]:9', { kind: 'ipv6', host: '::ffff:10.0.0.1', port: 9 }, '[::ffff:10.0.0.1]:9'],
    ['[1:2:3:4:5:6:1.2.3.4]:9', { kind: 'ipv6', host: '1:2:3:4:5:6:102:304', port: 9 }, '[1:2:3:4:5:6:102:304]:9'],
    ['#0', { kind: 'index', index: 0 }, '#0'],
    ['#4294967295', { kind: 'index', index: 4294967295 }, '#4294967295'],
  ])('%s', (text, address, formatted) => {
    expect(parseAddress(text)).toEqual(address);
    expect(formatAddress(parseAddress(text))).toBe(formatted);
  });

  it.each([
    '127.0.0.1',
    '127.0.0.1:65536',
    '256.0.0.1:80',
    '01.0.0.1:80',
    '1.2.3:80',
    '::1:80',
    '[1::2::3]:80',
    '[1:2:3:4:5:6:7:8:9]:80',
    '[1:2:3:4:5:6:7]:80',
    '[12345::]:80',
    '[fe80::1%eth0]:80',
    '#4294967296',
    '#-1',
    'localhost:80',
  ])('refuses %s', (text) => {
    expect(() => parseAddress(text)).toThrow(/bad/);
  });
});

describe('binary form', () => {
  const samples: Address[] = [
    { kind: 'index', index: 123_456_789 },
    parseAddress('192.168.1.20:65535'),
    parseAddress('[2001:db8::ff00:42:8329]:4000'),
  ];

  it.each(samples)('round trips $kind', (a) => {
    const out = new Uint8Array(40);
    const end = writeAddress(a, out, 3);
    expect(end - 3).toBe(ADDRESS_BYTES[a.kind]);
    expect(1 + addressBodyBytes(out[3]!)).toBe(ADDRESS_BYTES[a.kind]);
    expect(readAddress(out, 3)).toEqual(a);
  });

  it('uses tags 0, 4 and 6 with big-endian fields', () => {
    const out = new Uint8Array(19);
    writeAddress({ kind: 'index', index: 0x01020304 }, out, 0);
    expect([...out.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
    writeAddress(parseAddress('1.2.3.4:258'), out, 0);
    expect([...out.subarray(0, 7)]).toEqual([4, 1, 2, 3, 4, 1, 2]);
    writeAddress(parseAddress('[::1]:258'), out, 0);
    expect(out[0]).toBe(6);
    expect([...out.subarray(16, 19)]).toEqual([1, 1, 2]);
    expect(CONTACT_BYTES).toEqual({ index: 25, ipv4: 27, ipv6: 39 });
  });

  it('reads null for an unknown tag or short input, and writing refuses bad addresses', () => {
    expect(readAddress(Uint8Array.from([5, 0, 0, 0, 0]), 0)).toBeNull();
    expect(readAddress(Uint8Array.from([4, 1, 2, 3, 4, 0]), 0)).toBeNull();
    const out = new Uint8Array(19);
    expect(() => writeAddress({ kind: 'ipv4', host: '1.2.3.4', port: 70000 }, out, 0)).toThrow(RangeError);
    expect(() => writeAddress({ kind: 'ipv6', host: 'nope', port: 1 }, out, 0)).toThrow(RangeError);
    expect(() => writeAddress({ kind: 'index', index: -1 }, out, 0)).toThrow(RangeError);
  });
});
