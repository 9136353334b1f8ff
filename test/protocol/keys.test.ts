import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONSUMER_GROUP, keys } from '../../src/protocol/keys.js';
import { isValidId } from '../../src/protocol/ids.js';

/** Redis's glob matching (stringmatchlen): `*`, `?`, `[...]` with `^` and ranges, `\` escapes. */
function globMatch(pattern: string, text: string): boolean {
  const match = (p: number, t: number): boolean => {
    while (p < pattern.length) {
      const c = pattern[p];
      if (c === '*') {
        while (pattern[p + 1] === '*') p++;
        if (p + 1 === pattern.length) return true;
        for (let i = t; i <= text.length; i++) if (match(p + 1, i)) return true;
        return false;
      }
      if (t >= text.length) return false;
      if (c === '?') {
        p++;
        t++;
        continue;
      }
      if (c === '[') {
        let q = p + 1;
        const negate = pattern[q] === '^';
        if (negate) q++;
        let found = false;
        while (q < pattern.length && pattern[q] !== ']') {
          if (pattern[q] === '\\' && q + 1 < pattern.length) {
            q++;
            if (pattern[q] === text[t]) found = true;
          } else if (pattern[q + 1] === '-' && q + 2 < pattern.length && pattern[q + 2] !== ']') {
            const lo = pattern.charCodeAt(q);
            const hi = pattern.charCodeAt(q + 2);
            const code = text.charCodeAt(t);
            if (code >= Math.min(lo, hi) && code <= Math.max(lo, hi)) found = true;
            q += 2;
          } else if (pattern[q] === text[t]) {
            found = true;
          }
          q++;
        }
        if (found === negate) return false;
        p = q + 1;
        t++;
        continue;
      }
      if (c === '\\' && p + 1 < pattern.length) p++;
      if (pattern[p] !== text[t]) return false;
      p++;
      t++;
    }
    return t === text.length;
  };
  return match(0, 0);
}

/** The part of a key Redis Cluster hashes: the first `{...}` with a non-empty body, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

/** CRC16-XMODEM as Redis Cluster uses it, and the key's slot. */
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
const keySlot = (key: string): number => crc16(hashTag(key)) % 16384;

const SWARM = 'swarm-a';
const MESSAGE_ID = 'coord-9:wake:1700000000000';

/** Every key builder, with each id position varied in turn (the others fixed). */
const VARIANTS: { name: string; build: (id: string) => string; idIsLast: boolean }[] = [
  { name: 'inbox(coordinatorId)', build: (id) => keys.inbox(SWARM, id), idIsLast: true },
  { name: 'inbox(swarmId)', build: (id) => keys.inbox(id, 'coord-2'), idIsLast: false },
  { name: 'idempotency(receiverId)', build: (id) => keys.idempotency(SWARM, id, 'idem-1'), idIsLast: false },
  { name: 'idempotency(idempotencyKey)', build: (id) => keys.idempotency(SWARM, 'coord-2', id), idIsLast: true },
  { name: 'idempotency(swarmId)', build: (id) => keys.idempotency(id, 'coord-2', 'idem-1'), idIsLast: false },
  { name: 'ack(ackerId)', build: (id) => keys.ack(SWARM, id, MESSAGE_ID), idIsLast: false },
  { name: 'ack(swarmId)', build: (id) => keys.ack(id, 'coord-2', MESSAGE_ID), idIsLast: false },
  { name: 'ackNotices(senderId)', build: (id) => keys.ackNotices(SWARM, id), idIsLast: true },
  { name: 'ackNotices(swarmId)', build: (id) => keys.ackNotices(id, 'coord-2'), idIsLast: false },
  { name: 'heartbeat(coordinatorId)', build: (id) => keys.heartbeat(id), idIsLast: true },
  { name: 'registry(swarmId)', build: (id) => keys.registry(id), idIsLast: false },
];

/** Splits a variant's key around the id: `build(id) === prefix + id + suffix` for every id. */
function around(build: (id: string) => string): { prefix: string; suffix: string } {
  const marker = 'QQmarkerQQ';
  const key = build(marker);
  const at = key.indexOf(marker);
  assert.ok(at >= 0 && key.indexOf(marker, at + 1) === -1);
  return { prefix: key.slice(0, at), suffix: key.slice(at + marker.length) };
}

/** The key up to and including the id (and the `}` closing its hash tag, if any). */
function throughId(build: (id: string) => string, id: string): string {
  const { prefix, suffix } = around(build);
  return prefix + id + (suffix.startsWith('}') ? '}' : '');
}

describe('keys: runbook names', () => {
  test('keep the runbook prefixes', () => {
    assert.equal(keys.heartbeat('coord-1'), 'blocking:heartbeat:coord-1');
    assert.equal(keys.inbox('s1', 'coord-1'), 'blocking:signal:{s1}:coord-1');
    assert.equal(keys.idempotency('s1', 'coord-1', 'k1'), 'blocking:idempotency:{s1}:coord-1:k1');
    assert.equal(keys.ack('s1', 'coord-1', 'coord-2:wake:5'), 'blocking:ack:{s1}:coord-1:coord-2:wake:5');
    assert.equal(keys.ackNotices('s1', 'coord-1'), 'blocking:acks:{s1}:coord-1');
    assert.equal(keys.registry('s1'), 'coordinator:registry:{s1}');
    assert.equal(keys.swarms(), 'coordinator:swarms');
    assert.equal(CONSUMER_GROUP, 'rendezvous');
  });

  test('the runbook SCAN patterns match their own family and no other', () => {
    const all = {
      heartbeat: keys.heartbeat('coord-1'),
      signal: keys.inbox(SWARM, 'coord-1'),
      ack: keys.ack(SWARM, 'coord-1', MESSAGE_ID),
      acks: keys.ackNotices(SWARM, 'coord-1'),
      idempotency: keys.idempotency(SWARM, 'coord-1', 'k'),
      registry: keys.registry(SWARM),
    };
    const patterns: Record<keyof typeof all, string> = {
      heartbeat: 'blocking:heartbeat:*',
      signal: 'blocking:signal:*',
      ack: 'blocking:ack:*',
      acks: 'blocking:acks:*',
      idempotency: 'blocking:idempotency:*',
      registry: 'coordinator:registry:*',
    };
    for (const [family, pattern] of Object.entries(patterns)) {
      for (const [other, key] of Object.entries(all)) {
        assert.equal(globMatch(pattern, key), family === other, `${pattern} vs ${key}`);
      }
    }
  });
});

describe('keys: no prefix-match hazard between coord-1 and coord-10', () => {
  test('the glob matcher used here behaves like Redis', () => {
    assert.equal(globMatch('blocking:heartbeat:*', 'blocking:heartbeat:x'), true);
    assert.equal(globMatch('*coord-1*', 'blocking:heartbeat:coord-10'), true); // the seeds' bug
    assert.equal(globMatch('a?c', 'abc'), true);
    assert.equal(globMatch('a[b-d]c', 'acc'), true);
    assert.equal(globMatch('a[^b]c', 'abc'), false);
    assert.equal(globMatch('a\\*c', 'a*c'), true);
    assert.equal(globMatch('a\\*c', 'abc'), false);
    assert.equal(globMatch('abc', 'abcd'), false);
  });

  for (const variant of VARIANTS) {
    describe(variant.name, () => {
      const pairs: [string, string][] = [
        ['coord-1', 'coord-10'],
        ['swarm-1', 'swarm-10'],
        ['a', 'a.b'],
        ['x1', 'x1-2'],
      ];

      test('keys of different ids differ', () => {
        for (const [short, long] of pairs) assert.notEqual(variant.build(short), variant.build(long));
      });

      test('no glob metacharacter appears in a key, so a key used as a SCAN pattern matches only itself', () => {
        for (const [short, long] of pairs) {
          const key = variant.build(short);
          assert.doesNotMatch(key, /[*?[\]\\]/);
          assert.equal(globMatch(key, key), true);
          assert.equal(globMatch(key, variant.build(long)), false);
          assert.equal(globMatch(variant.build(long), key), false);
        }
      });

      test('as colon-separated segments, neither key is a prefix of the other', () => {
        for (const [short, long] of pairs) {
          const a = variant.build(short).split(':');
          const b = variant.build(long).split(':');
          const isSegmentPrefix = (x: string[], y: string[]) => x.length <= y.length && x.every((seg, i) => seg === y[i]);
          assert.equal(isSegmentPrefix(a, b), false, `${a.join(':')} vs ${b.join(':')}`);
          assert.equal(isSegmentPrefix(b, a), false, `${b.join(':')} vs ${a.join(':')}`);
        }
      });

      test("the character after the id is ':', '}' or the end of the key", () => {
        for (const [short, long] of pairs) {
          for (const id of [short, long]) {
            const key = variant.build(id);
            const { prefix, suffix } = around(variant.build);
            assert.equal(key, prefix + id + suffix);
            const next = suffix[0];
            assert.ok(next === undefined || next === ':' || next === '}', `${key}: next char ${String(next)}`);
            assert.equal(variant.idIsLast, next === undefined, `${key}: id is ${variant.idIsLast ? '' : 'not '}last`);
          }
        }
      });

      test('the delimited patterns for coord-1 (`<key>` and `<key through id>:*`) never match coord-10 keys', () => {
        for (const [short, long] of pairs) {
          const shortKey = variant.build(short);
          const longKey = variant.build(long);
          const patterns = [shortKey, `${shortKey}:*`, `${throughId(variant.build, short)}:*`, `${throughId(variant.build, short)}`];
          for (const pattern of patterns) {
            assert.equal(globMatch(pattern, longKey), false, `${pattern} must not match ${longKey}`);
          }
          // and the reverse direction
          for (const pattern of [longKey, `${longKey}:*`, `${throughId(variant.build, long)}:*`]) {
            assert.equal(globMatch(pattern, shortKey), false, `${pattern} must not match ${shortKey}`);
          }
          if (!variant.idIsLast) {
            // the key up to and including the delimiter after the id: `<prefix><id>:` or `<prefix>{<id>}`
            const { prefix, suffix } = around(variant.build);
            const delimiter = suffix[0] ?? '';
            const ownShort = prefix + short + delimiter;
            const ownLong = prefix + long + delimiter;
            assert.equal(globMatch(`${ownShort}*`, shortKey), true);
            assert.equal(globMatch(`${ownShort}*`, longKey), false);
            // so no string-prefix relation holds between the delimited coord-1 and coord-10 keys
            assert.equal(longKey.startsWith(ownShort), false);
            assert.equal(shortKey.startsWith(ownLong), false);
          }
        }
      });
    });
  }

  test('ack keys of different (acker, messageId) pairs never collide although messageIds hold colons', () => {
    const ackers = ['coord-1', 'coord-10', 'coord-1.x'];
    const messageIds = ['coord-2:wake:1', 'wake:1', '1', 'coord-1:coord-2:1'];
    const seen = new Map<string, string>();
    for (const acker of ackers) {
      for (const messageId of messageIds) {
        const key = keys.ack(SWARM, acker, messageId);
        const label = `${acker} / ${messageId}`;
        assert.equal(seen.get(key), undefined, `${label} collides with ${String(seen.get(key))}`);
        seen.set(key, label);
      }
    }
  });
});

describe('keys: hash tags (Redis Cluster slots)', () => {
  test('hashTag and keySlot follow Redis', () => {
    assert.equal(keySlot('foo'), 12182); // CLUSTER KEYSLOT foo
    assert.equal(crc16('123456789'), 0x31c3);
    assert.equal(hashTag('{user1000}.following'), 'user1000');
    assert.equal(hashTag('foo{}{bar}'), 'foo{}{bar}');
    assert.equal(hashTag('foo{{bar}}zap'), '{bar');
    assert.equal(hashTag('foo{bar}{zap}'), 'bar');
    assert.equal(keySlot('{user1000}.following'), keySlot('{user1000}.followers'));
  });

  for (const swarm of ['swarm-a', 'swarm-1', 'swarm-10', 'S', 'x'.repeat(64)]) {
    test(`keys scripts use together share the {${swarm.length > 10 ? `${swarm.slice(0, 4)}…` : swarm}} hash tag`, () => {
      const together = [
        keys.inbox(swarm, 'coord-1'),
        keys.inbox(swarm, 'coord-10'),
        keys.idempotency(swarm, 'coord-1', 'idem-1'),
        keys.ack(swarm, 'coord-1', 'coord-10:wake:1700000000000'),
        keys.ack(swarm, 'coord-10', 'coord-1:decide:1'),
        keys.ackNotices(swarm, 'coord-10'),
        keys.registry(swarm),
      ];
      for (const key of together) {
        assert.equal(hashTag(key), swarm, key);
        assert.equal(keySlot(key), keySlot(`{${swarm}}`), key);
      }
    });
  }

  test('ids cannot open or close a hash tag, so the tag of a key is always its swarm', () => {
    assert.equal(isValidId('{x}'), false);
    assert.equal(isValidId('x}'), false);
    assert.equal(isValidId('{x'), false);
    assert.equal(hashTag(keys.ack('s-1', 'c-1', 'weird{m}id')), 's-1');
  });

  test('different swarms usually land in different slots (the tag is really the swarm)', () => {
    const slots = new Set(['swarm-1', 'swarm-2', 'swarm-3', 'swarm-4'].map((s) => keySlot(keys.registry(s))));
    assert.ok(slots.size > 1);
  });
});
