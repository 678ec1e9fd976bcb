import { describe, expect, it } from 'vitest';
import { createHarness, makeAlert } from './helpers.js';

describe('resume and dedupe', () => {
  it('sends resume after hello: lastSeq 0 with the hello epoch on first connect', () => {
    const { server, client } = createHarness();
    client.connect();
    expect(server.sent('resume')).toEqual([{ type: 'resume', lastSeq: 0, epoch: 'epoch-1' }]);
    client.dispose();
  });

  it('delivers every alert exactly once across reconnects, with injected duplicates, and acks them cumulatively', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    server.publish();
    server.publish();
    server.last.send(makeAlert(2)); // duplicate on the same connection
    server.last.drop();
    server.publish(); // published while down
    clock.advance(1000);
    // The server replayed 3 after resume {lastSeq: 2}; inject an old one as well.
    expect(server.sent('resume')).toEqual([{ type: 'resume', lastSeq: 2, epoch: 'epoch-1' }]);
    server.last.send(makeAlert(1));
    server.last.send(makeAlert(3));
    server.publish();

    expect(events.alert.map((a) => a.seq)).toEqual([1, 2, 3, 4]);
    expect(events.gap).toEqual([]);
    clock.advance(250); // the coalescing window closes
    // Connection 1 acked 1 at once and lost 2's ack with the socket (its window was open);
    // connection 2 acked the replay's end (3) and then, once the window closed, 4.
    const acks = server.connections.map((c) => server.sent('ack', c).map((a) => a.seq));
    expect(acks).toEqual([[1], [3, 4]]);
    expect(client.position).toEqual({ epoch: 'epoch-1', lastSeq: 4 });
    client.dispose();
  });

  it('reports a seq jump with the number missed', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    server.last.send(makeAlert(1));
    server.last.send(makeAlert(5));
    expect(events.alert.map((a) => a.seq)).toEqual([1, 5]);
    expect(events.gap).toEqual([
      { kind: 'seq-jump', missed: 3, afterSeq: 1, seq: 5, epoch: 'epoch-1', at: clock.now() },
    ]);
    client.dispose();
  });

  it('delivers alerts that fill the holes a jump left (a late replay), once, and resumes before the first hole', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    const first = server.last;
    first.send(makeAlert(1));
    // Live delivery started before the resume reached the server: 5 and 6 overtake 2..4.
    first.send(makeAlert(5));
    first.send(makeAlert(6));
    first.send(makeAlert(3)); // the late replay fills the holes
    first.send(makeAlert(3)); // a true duplicate
    first.send(makeAlert(6));
    expect(events.alert.map((a) => a.seq)).toEqual([1, 5, 6, 3]);
    expect(events.gap.map((g) => g.kind)).toEqual(['seq-jump']);
    expect(client.position).toEqual({ epoch: 'epoch-1', lastSeq: 6 });
    // Reconnected before 2 and 4 came: the resume asks for everything after 1, and the
    // server's replay (2..7) delivers the two missing ones and the new one.
    for (const seq of [1, 2, 3, 4, 5, 6, 7]) server.alerts.push(makeAlert(seq));
    first.drop();
    clock.advance(1000);
    expect(server.sent('resume').at(-1)).toEqual({ type: 'resume', lastSeq: 1, epoch: 'epoch-1' });
    expect(events.alert.map((a) => a.seq)).toEqual([1, 5, 6, 3, 2, 4, 7]);
    // Once the replay is over, every hole is closed: the next resume starts at lastSeq.
    const second = server.last;
    second.drop();
    clock.advance(30_000);
    expect(server.last).not.toBe(second);
    expect(server.sent('resume').at(-1)).toEqual({ type: 'resume', lastSeq: 7, epoch: 'epoch-1' });
    client.dispose();
  });

  it('does not count a hole twice when the history that would have filled it is gone', () => {
    const { clock, server, client, events } = createHarness();
    server.admit = () => ({ kind: 'pending' });
    client.connect();
    server.open(server.last);
    server.last.send(makeAlert(1));
    server.last.send(makeAlert(5)); // 2..4 reported missing
    server.last.drop();
    clock.advance(1000);
    server.blackhole = true; // the test plays the server's answer to the resume
    server.open(server.last);
    expect(server.sent('resume').at(-1)).toMatchObject({ lastSeq: 1 });
    // The history holds 4..6: 4 fills a hole, 5 is a duplicate, 6 is new; 2 and 3 are gone.
    for (const seq of [4, 5, 6]) server.last.send(makeAlert(seq));
    server.last.send({ type: 'resumed', replayed: 3, gap: true, missed: 2 });
    expect(events.alert.map((a) => a.seq)).toEqual([1, 5, 4, 6]);
    expect(events.gap.map((g) => [g.kind, 'missed' in g ? g.missed : null])).toEqual([
      ['seq-jump', 3],
    ]);
    client.dispose();
  });

  it('reports a resumed gap once, without counting alerts already reported as a jump', () => {
    const { clock, server, client, events } = createHarness();
    server.admit = () => ({ kind: 'pending' });
    client.connect();
    const connection = server.last;
    server.open(connection);
    connection.send(makeAlert(1));
    connection.drop();
    clock.advance(1000);
    const second = server.last;
    server.open(second);
    // History held only 8..9 of 2..9: the replay jumps (6 missed), then resumed says 6 missed.
    second.send(makeAlert(8));
    second.send(makeAlert(9));
    second.send({ type: 'resumed', replayed: 2, gap: true, missed: 6 });
    expect(events.gap.map((g) => [g.kind, 'missed' in g ? g.missed : null])).toEqual([
      ['seq-jump', 6],
    ]);

    // A resumed gap the replay did not reveal is reported as such.
    second.drop();
    clock.advance(2000);
    server.open(server.last);
    server.last.send({ type: 'resumed', replayed: 0, gap: true, missed: 2 });
    expect(events.gap.at(-1)).toMatchObject({ kind: 'resume-gap', missed: 2, lastSeq: 9 });
    client.dispose();
  });

  it('reports a new epoch as a history reset and resumes from 0 in it', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    server.publish();
    server.publish();
    server.last.drop();
    // The server restarted with a memory broker: history and seqs start over.
    server.epoch = 'epoch-2';
    server.alerts.length = 0;
    server.publish();
    clock.advance(1000);
    expect(events.gap).toEqual([
      {
        kind: 'history-reset',
        previousEpoch: 'epoch-1',
        epoch: 'epoch-2',
        lastSeq: 2,
        at: clock.now(),
      },
    ]);
    expect(server.sent('resume')).toEqual([{ type: 'resume', lastSeq: 0, epoch: 'epoch-2' }]);
    // seq 1 of the new epoch is a new alert, not a duplicate of the old seq 1.
    expect(events.alert.map((a) => a.seq)).toEqual([1, 2, 1]);
    expect(client.position).toEqual({ epoch: 'epoch-2', lastSeq: 1 });
    client.dispose();
  });

  it('starts from a persisted position', () => {
    const { server, client, events } = createHarness({
      resume: { from: { epoch: 'epoch-1', lastSeq: 2 } },
    });
    server.publish();
    server.publish();
    server.publish();
    events.alert.length = 0;
    client.connect();
    expect(server.sent('resume')).toEqual([{ type: 'resume', lastSeq: 2, epoch: 'epoch-1' }]);
    expect(events.alert.map((a) => a.seq)).toEqual([3]);
    client.dispose();
  });

  it('can turn off resume and acks', () => {
    const { server, client, events } = createHarness({ resume: { enabled: false, ack: false } });
    client.connect();
    server.publish();
    expect(server.sent('resume')).toEqual([]);
    expect(server.sent('ack')).toEqual([]);
    expect(events.alert).toHaveLength(1);
    client.dispose();
  });

  it('reports a malformed frame as an error and keeps the connection', () => {
    const { server, client, events } = createHarness();
    client.connect();
    server.last.send('{"type":"breach_alert","seq":"x"}');
    server.last.send('not json');
    expect(events.error.map((e) => e.code)).toEqual(['CLIENT_BAD_FRAME', 'CLIENT_BAD_FRAME']);
    expect(client.state).toBe('connected');
    client.dispose();
  });
});
