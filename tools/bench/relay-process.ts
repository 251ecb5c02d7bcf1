/**
 * The chat benchmark's baseline as its own process: socket in, the same model call through the same SDK, deltas
 * out, nothing else. It runs apart from the load generator for the same reason our api does, so both have a core
 * to themselves and their CPU time can be compared. GET /metrics serves prom-client's default process metrics
 * (process_cpu_seconds_total), as our api's /metrics does.
 *   OPENAI_BASE_URL=... node tools/run-ts.js tools/bench/relay-process.ts
 * Prints `{"ready":true,"url":...}` once listening; SIGTERM closes it.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import OpenAI from 'openai';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Server } from 'socket.io';

const app = express();
const registry = new Registry();
collectDefaultMetrics({ register: registry });
app.get('/metrics', (_req, res) => {
  void registry.metrics().then((text) => res.type(registry.contentType).send(text));
});

const server = createServer(app);
const io = new Server(server);
const model = new OpenAI({ apiKey: 'bench', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });

io.on('connection', (socket) => {
  socket.on('message:send', async (msg: { text: string; clientMessageId: string }) => {
    try {
      const stream = await model.chat.completions.create({
        model: 'bench',
        stream: true,
        messages: [{ role: 'user', content: msg.text }],
      });
      let text = '';
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) {
          text += delta;
          socket.emit('message:delta', { clientMessageId: msg.clientMessageId, delta });
        }
      }
      socket.emit('message:done', { clientMessageId: msg.clientMessageId, text });
    } catch (err) {
      socket.emit('message:error', {
        clientMessageId: msg.clientMessageId,
        message: err instanceof Error ? err.message : String(err),
      });
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => void io.close(() => process.exit(0)));
