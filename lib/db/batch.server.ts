// Group commit for small writes that arrive together (a lecture hall joining at once): callers
// each ask for one item; the items waiting when the writer is free go to the database in one
// statement. While a batch is being written, new items wait for the next one.
import { singleton } from "@/lib/singleton";

interface Waiting<I, O> {
  input: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

interface BatchState<I, O> {
  queue: Waiting<I, O>[];
  writing: boolean;
  scheduled: boolean;
}

/**
 * `write` gets the waiting inputs (at most `max`) and returns one result per input, in order:
 * a value, or an Error for that input alone. A `write` that throws fails every input of its batch.
 */
export function batcher<I, O>(name: string, write: (inputs: I[]) => Promise<(O | Error)[]>, max = 1000): (input: I) => Promise<O> {
  const state = singleton(`batch.${name}`, (): BatchState<I, O> => ({ queue: [], writing: false, scheduled: false }));

  async function drain(): Promise<void> {
    if (state.writing) return;
    state.writing = true;
    try {
      while (state.queue.length > 0) {
        const batch = state.queue.splice(0, max);
        let results: (O | Error)[];
        try {
          results = await write(batch.map((w) => w.input));
        } catch (error) {
          for (const w of batch) w.reject(error);
          continue;
        }
        batch.forEach((w, i) => {
          const result = results[i];
          if (result instanceof Error) w.reject(result);
          else w.resolve(result as O);
        });
      }
    } finally {
      state.writing = false;
    }
  }

  return (input: I) =>
    new Promise<O>((resolve, reject) => {
      state.queue.push({ input, resolve, reject });
      if (state.writing || state.scheduled) return;
      state.scheduled = true;
      setImmediate(() => {
        state.scheduled = false;
        void drain();
      });
    });
}
