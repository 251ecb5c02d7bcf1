/**
 * The node flags the api and the worker run with, wherever they are started (`npm run start:*`, docker-compose,
 * `npm start`, the benchmarks). Both allocate many short-lived objects per request (socket frames, driver
 * commands, model chunks); with V8's default 16 MB semi-space a busy api spent about a fifth of its CPU in
 * scavenges, and 64 MB cut its CPU per chat turn by 8% at 200 sockets. It costs at most 3 x 64 MB of young
 * generation per process, reached only under load.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
