/**
 * A reply's text deltas that arrive in one turn of the event loop leave as one. A model's chunks often come several
 * to a network read (always so when the instance is busy), and each delta sent costs a socket frame per client, a
 * stream entry and an event for the client to parse, whatever its length; text that arrived together gains nothing
 * from being sent apart. An idle instance sends each chunk the moment its read is handled, as before.
 *
 * `flush()` sends what is held at once: before anything that must follow the text so far (a tool event, the end).
 */
export class DeltaCoalescer {
  private held = '';
  private scheduled: NodeJS.Immediate | null = null;

  constructor(private readonly send: (delta: string) => void) {}

  push(delta: string): void {
    if (!delta) return;
    this.held += delta;
    this.scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const text = this.held;
    this.held = '';
    if (text) this.send(text);
  }
}
