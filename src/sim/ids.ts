import type { Random } from '../client/index.js';

const HEX = '0123456789abcdef';

/**
 * Makes RFC 4122-shaped version 4 ids from a seeded random source, so connection and alert ids
 * (and the broker's epoch) are the same on every run with the same seed.
 */
export function createSeededIds(random: Random): () => string {
  return () => {
    let id = '';
    for (let i = 0; i < 32; i++) {
      if (i === 8 || i === 12 || i === 16 || i === 20) id += '-';
      let digit = Math.floor(random() * 16);
      if (i === 12) digit = 4;
      else if (i === 16) digit = 8 + (digit & 3);
      id += HEX[digit];
    }
    return id;
  };
}
