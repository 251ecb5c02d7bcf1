/**
 * bench:jobs' baseline as its own process: the least a POST that answers 202 can do on this machine. Express parses
 * the JSON body and answers 202 with a new id, nothing else: no token, no database, no queue. Our api's POST
 * /reports is held against it in the same run, as bench:chat holds the chat against a bare relay. GET /metrics
 * serves prom-client's default process metrics (process_cpu_seconds_total), as our api's /metrics does.
 *   node tools/run-ts.js tools/bench/post-baseline-process.ts
 * Prints `{"ready":true,"url":...}` once listening; SIGTERM closes it.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ObjectId } from 'bson';
import express from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';

const app = express();
const registry = new Registry();
collectDefaultMetrics({ register: registry });
app.get('/metrics', (_req, res) => {
  void registry.metrics().then((text) => res.type(registry.contentType).send(text));
});
app.post('/reports', express.json(), (req, res) => {
  const type = (req.body as { type?: unknown } | undefined)?.type;
  res.status(202).json({ id: new ObjectId().toHexString(), type, status: 'queued' });
});

const server = createServer(app);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
