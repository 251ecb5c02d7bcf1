import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import { Server, ServerOptions } from 'socket.io';
import { AuthService, socketAuthMiddleware } from '@app/auth';
import { AppConfig } from '@app/config';
import { redisOptions, socketIoChannelKey } from '@app/queue';
import { corsOptions } from '../common/cors';
import { SocketMetrics } from '../metrics/socket-metrics';

/**
 * Socket.IO server with two cluster-wide properties: every namespace authenticates at the handshake
 * (a namespace added later cannot forget it), and the Redis adapter lets any api instance reach any socket of
 * the same deployment (its channels carry QUEUE_PREFIX, like the worker's emitter).
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly redisClients: Redis[] = [];

  constructor(
    private readonly appRef: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(appRef);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      cors: corsOptions(this.config),
      maxHttpBufferSize: 64 * 1024,
    });
    const pub = new Redis(redisOptions(this.config.redis.url, 'worker'));
    const sub = pub.duplicate();
    this.redisClients.push(pub, sub);
    server.adapter(createAdapter(pub, sub, { key: socketIoChannelKey(this.config.queue.prefix) }));

    const auth = socketAuthMiddleware(this.appRef.get(AuthService));
    server.use(auth);
    server.on('new_namespace', (nsp) => nsp.use(auth));
    this.appRef.get(SocketMetrics).watch(server);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    for (const client of this.redisClients.splice(0)) client.disconnect();
  }
}
