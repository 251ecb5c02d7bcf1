import { setImmediate as nextTurn } from 'node:timers/promises';
import { DeltaCoalescer } from './delta-coalescer';

/** A coalescer and what it has sent so far. */
function coalescer(): { sent: string[]; deltas: DeltaCoalescer } {
  const sent: string[] = [];
  return { sent, deltas: new DeltaCoalescer((d) => sent.push(d)) };
}

describe('DeltaCoalescer', () => {
  it('sends the deltas of one event-loop turn as one, in order', async () => {
    const { sent, deltas } = coalescer();
    deltas.push('You spent ');
    deltas.push('£1,162.50 ');
    deltas.push('this month.');
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual(['You spent £1,162.50 this month.']);
  });

  it('sends deltas of later turns on their own', async () => {
    const { sent, deltas } = coalescer();
    deltas.push('a');
    await nextTurn();
    deltas.push('b');
    await nextTurn();
    expect(sent).toEqual(['a', 'b']);
  });

  it('flush sends what is held at once and nothing twice', async () => {
    const { sent, deltas } = coalescer();
    deltas.push('before the tool');
    deltas.flush();
    expect(sent).toEqual(['before the tool']);
    deltas.flush();
    await nextTurn();
    expect(sent).toEqual(['before the tool']);
  });

  it('sends no empty delta', async () => {
    const { sent, deltas } = coalescer();
    deltas.push('');
    deltas.flush();
    await nextTurn();
    expect(sent).toEqual([]);
  });
});
