import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { Server } from 'socket.io';

/** Sockets connected to this api instance, per Socket.IO namespace, counted at scrape time. */
@Injectable()
export class SocketMetrics {
  private readonly servers = new Set<Server>();

  constructor(registry: Registry) {
    const servers = this.servers;
    new Gauge({
      name: 'socketio_connected_sockets',
      help: 'Socket.IO connections open on this api instance, by namespace',
      labelNames: ['namespace'],
      registers: [registry],
      collect() {
        this.reset();
        for (const server of servers) {
          for (const [name, nsp] of server._nsps) this.inc({ namespace: name }, nsp.sockets.size);
        }
      },
    });
  }

  watch(server: Server): void {
    this.servers.add(server);
  }
}
