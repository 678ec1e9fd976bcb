import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../bench/mutation/mutants.js';
import { ROOT } from '../helpers/cli.js';

// The mutation bench breaks each rule by replacing one exact text: a refactor that changes the
// text would leave the bench unable to apply its mutant. Each text must be there, once.
describe('the mutation bench’s mutants', () => {
  it.each(MUTANTS.map((m) => [m.id, m] as const))('%s finds its text once in its file', (_, m) => {
    const text = readFileSync(join(ROOT, m.file), 'utf8');
    expect(text.split(m.from).length - 1).toBe(1);
    expect(m.to).not.toBe(m.from);
  });
});
