import { ConnectionOptions, Queue } from 'bullmq';
import { io, Socket } from 'socket.io-client';
import { AppConfig } from '@app/config';
import { defaultJobOptions, redisOptions } from '@app/queue';

/** A queue client of the suite's own, set up as the apps' producers are: to inspect jobs or add one by hand. */
export function testQueue(config: AppConfig, name: string): Queue {
  return new Queue(name, {
    connection: redisOptions(config.redis.url, 'worker') as ConnectionOptions,
    prefix: config.queue.prefix,
    defaultJobOptions: defaultJobOptions(config),
  });
}

/** A connected socket of the user's, recording every event it receives. */
export async function recordingSocket(
  url: string,
  token: string,
): Promise<{ socket: Socket; events: Array<{ event: string; payload: any }> }> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const events: Array<{ event: string; payload: any }> = [];
  socket.onAny((event: string, payload: unknown) => events.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  // A round trip: by the time the ack arrives the server has joined the socket to the user's room.
  await socket.timeout(2000).emitWithAck('whoami');
  return { socket, events };
}
