import { INTERRUPTED_REASON, recoverAcceptedWork, RecoveryQueue } from './lost-work';

/** A queue holding at most one job, in the given state (undefined: no such job). */
function queueWith(state: string | undefined) {
  const added: Array<{ name: string; data: unknown; jobId?: string }> = [];
  const queue: RecoveryQueue = {
    getJob: async () => (state === undefined ? undefined : { getState: async () => state }),
    add: async (name, data, opts) => added.push({ name, data, jobId: opts.jobId }),
  };
  return { queue, added };
}

function work() {
  const failures: string[] = [];
  return {
    work: {
      jobId: 'expense-parse-abc',
      name: 'parse',
      data: { parseId: 'abc', userId: 'u1' },
      fail: async (reason: string) => void failures.push(reason),
    },
    failures,
  };
}

describe('recoverAcceptedWork', () => {
  it('adds a lost job again under its own id, with the same name and data', async () => {
    const { queue, added } = queueWith(undefined);
    const { work: w, failures } = work();
    expect(await recoverAcceptedWork(queue, w)).toBe('requeued');
    expect(added).toEqual([{ name: 'parse', data: { parseId: 'abc', userId: 'u1' }, jobId: 'expense-parse-abc' }]);
    expect(failures).toEqual([]);
  });

  it.each(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'unknown'])(
    'leaves a job that is %s to BullMQ',
    async (state) => {
      const { queue, added } = queueWith(state);
      const { work: w, failures } = work();
      expect(await recoverAcceptedWork(queue, w)).toBe('queued');
      expect(added).toEqual([]);
      expect(failures).toEqual([]);
    },
  );

  it.each(['completed', 'failed'])(
    'fails the work with a reason when its job is %s but the record never became final',
    async (state) => {
      const { queue, added } = queueWith(state);
      const { work: w, failures } = work();
      expect(await recoverAcceptedWork(queue, w)).toBe('failed');
      expect(failures).toEqual([INTERRUPTED_REASON]);
      expect(added).toEqual([]);
    },
  );
});
