/**
 * Runs the test MongoDB (MONGODB_URI, memory server or wire server) in a process of its own and prints its
 * URI as one JSON line, so benchmarks do not charge the emulator's CPU time to the service they measure.
 */
import { startTestMongo } from '../../test/support/mongo';

startTestMongo().then((mongo) => {
  process.stdout.write(`${JSON.stringify({ uri: mongo.uri, kind: mongo.kind })}\n`);
  const stop = () => void mongo.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
});
