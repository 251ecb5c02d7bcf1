import type { Socket } from 'socket.io-client';
import { eventually } from './http';

/** Everything a chat socket received, in arrival order, and the ways the chat suites wait on it. */
export class ChatRecorder {
  readonly events: { name: string; data: any }[] = [];

  constructor(readonly socket: Socket) {
    socket.onAny((name, data) => this.events.push({ name, data }));
  }

  of(name: string): any[] {
    return this.events.filter((e) => e.name === name).map((e) => e.data);
  }

  deltasOf(messageId: string): any[] {
    return this.of('message:delta').filter((d) => d.messageId === messageId);
  }

  waitFor(name: string, pred: (d: any) => boolean = () => true, timeoutMs = 8000): Promise<any> {
    return eventually(
      async () => this.of(name).find(pred),
      (d) => d !== undefined,
      timeoutMs,
      10,
    );
  }

  /** Emits and resolves with the acknowledgement. */
  emit(event: string, payload: unknown): Promise<any> {
    return new Promise((resolve) => this.socket.emit(event, payload, resolve));
  }
}
