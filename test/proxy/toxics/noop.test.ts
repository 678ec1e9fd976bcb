import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noop } from '../../../src/proxy/toxics/noop.js';
import { createFixture, payload, readBytes, type Fixture } from '../helpers.js';
import { harness } from '../stage-harness.js';

describe('noop', () => {
  it('passes data and the end straight through', () => {
    const h = harness(noop, {});
    h.write('same');
    h.stage.end();
    expect(h.emitted).toEqual([[0, 'same']]);
    expect(h.ends).toEqual([0]);
  });

  describe('over TCP', () => {
    let fixture: Fixture;
    beforeEach(async () => {
      fixture = await createFixture();
    });
    afterEach(() => fixture.close());

    it('echoes 1 MB unchanged and reports attributes {}', async () => {
      await fixture.addToxic({ type: 'noop', stream: 'upstream' });
      const toxics = await (await fetch(`${fixture.api.url}/proxies/test/toxics`)).json();
      expect(toxics).toEqual([
        { attributes: {}, name: 'noop_upstream', type: 'noop', stream: 'upstream', toxicity: 1 },
      ]);
      const socket = await fixture.connect();
      socket.write(payload(1_000_000));
      const { data } = await readBytes(socket, 1_000_000);
      expect(data.equals(payload(1_000_000))).toBe(true);
    });
  });
});
