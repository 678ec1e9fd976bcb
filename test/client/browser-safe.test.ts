import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm;

/** Every module specifier reachable from `entry` through relative imports. */
function importGraph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  };
  visit(entry);
  return { files, external };
}

describe('stormwatch/client entry', () => {
  it('imports no Node built-ins and no ws (browser-safe)', () => {
    const { files, external } = importGraph(resolve(SRC, 'client/index.ts'));
    expect([...external]).toEqual([]);
    const outside = [...files].filter(
      (f) => !f.startsWith(resolve(SRC, 'client')) && !f.startsWith(resolve(SRC, 'protocol')),
    );
    expect(outside).toEqual([]);
  });

  it('keeps ws and socket.io-client in the separate Node entry', () => {
    const { external } = importGraph(resolve(SRC, 'client/node.ts'));
    expect([...external].sort()).toEqual(['node:buffer', 'socket.io-client', 'ws']);
  });
});
