import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { limitData } from '../../../src/proxy/toxics/limit-data.js';
import { createFixture, ending, payload, readBytes, type Fixture } from '../helpers.js';
import { harness } from '../stage-harness.js';

describe('limit_data stage', () => {
  it('lets exactly `bytes` through, then ends the stream', () => {
    const h = harness(limitData, { bytes: 5 });
    h.write('abc');
    h.write('defg');
    expect(h.emitted.map(([, text]) => text)).toEqual(['abc', 'de']);
    expect(h.ends).toEqual([0]);
    expect(h.discarded).toBe(2);
  });

  it('closes on the first data when bytes is 0', () => {
    const h = harness(limitData, { bytes: 0 });
    h.write('x');
    expect(h.emitted).toEqual([]);
    expect(h.ends).toEqual([0]);
  });
});

describe('limit_data over TCP', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await createFixture();
  });
  afterEach(() => fixture.close());

  it('delivers the first N bytes downstream, then closes with a FIN', async () => {
    await fixture.addToxic({ type: 'limit_data', attributes: { bytes: 1000 } });
    const socket = await fixture.connect();
    const end = ending(socket);
    socket.write(payload(5000));
    const result = await end;
    expect(result.kind).toBe('end');
    expect(result.data.equals(payload(5000).subarray(0, 1000))).toBe(true);
  });

  it('applies to an open connection, counting from when it was added', async () => {
    const socket = await fixture.connect();
    const server = await fixture.upstream.nextSocket();
    socket.write('12345');
    await readBytes(socket, 5);
    await fixture.addToxic({ type: 'limit_data', stream: 'upstream', attributes: { bytes: 3 } });
    const serverEnd = ending(server);
    const clientEnd = ending(socket);
    socket.write('abcdef');
    // The server gets 3 bytes and a FIN; as in Toxiproxy the whole connection then closes.
    const atServer = await serverEnd;
    expect(atServer.data.toString()).toBe('abc');
    expect(atServer.kind).toBe('end');
    expect((await clientEnd).kind).toBe('end');
  });

  it('toxicity 0 lets everything through', async () => {
    await fixture.addToxic({ type: 'limit_data', toxicity: 0, attributes: { bytes: 1 } });
    const socket = await fixture.connect();
    socket.write('all of it');
    const { data } = await readBytes(socket, 9);
    expect(data.toString()).toBe('all of it');
  });
});
