// Token verification per upgrade: the server's verifier (plain HS256 checked synchronously with
// node:crypto) against jose's jwtVerify with the same imported key, in the same run, over the
// same tokens, alternating, several rounds; medians. Prints µs per token and the ratio.
//
//   npx tsx bench/server/verify.ts [--tokens 5000] [--rounds 5]
import { parseArgs } from 'node:util';
import { jwtVerify } from 'jose';
import { createTokenVerifier, signToken } from '../../src/server/index.js';
import { fmt, median, printTable } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '5' },
  },
});
const N = Number(values.tokens);
const ROUNDS = Number(values.rounds);
const SECRET = 'bench-secret-long-enough-for-hs256';

const tokens = await Promise.all(
  Array.from({ length: N }, (_, i) => signToken({ sub: `user-${i}` }, SECRET)),
);
const server = createTokenVerifier({ secret: SECRET });
const key = await globalThis.crypto.subtle.importKey(
  'raw',
  new TextEncoder().encode(SECRET),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['verify'],
);
const peers = {
  stormwatch: (token: string) => server(token, Date.now()),
  jose: (token: string) => jwtVerify(token, key, { algorithms: ['HS256'] }),
};
type Peer = keyof typeof peers;
const perToken: Record<Peer, number[]> = { stormwatch: [], jose: [] };

// One upgrade at a time, as a server sees a herd: each verification awaited before the next.
for (const peer of Object.keys(peers) as Peer[])
  for (const t of tokens.slice(0, 500)) await peers[peer](t);
for (let round = 0; round < ROUNDS; round++) {
  const order: Peer[] = round % 2 === 0 ? ['stormwatch', 'jose'] : ['jose', 'stormwatch'];
  for (const peer of order) {
    const start = performance.now();
    for (const token of tokens) await peers[peer](token);
    perToken[peer].push(((performance.now() - start) * 1000) / N);
  }
}
console.log(
  `token verification: ${N} HS256 tokens, ${ROUNDS} rounds, medians (node ${process.version})`,
);
const s = median(perToken.stormwatch);
const j = median(perToken.jose);
printTable(
  ['verifier', 'µs per token', 'rounds'],
  [
    [
      "stormwatch (node:crypto, jose's rules)",
      fmt(s),
      perToken.stormwatch.map((v) => fmt(v, 1)).join(' '),
    ],
    ['jose jwtVerify (WebCrypto)', fmt(j), perToken.jose.map((v) => fmt(v, 1)).join(' ')],
    ['stormwatch ÷ jose', fmt(s / j), ''],
  ],
);
