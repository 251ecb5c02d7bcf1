// `npm start`: install if needed, build the api and worker, then run the launcher (dev-stack.ts) from source.
const { execSync } = require('node:child_process');

require('./ensure-deps');
const { register, root } = require('../run-ts');
console.log('Building api and worker...');
try {
  execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
} catch {
  // The compiler has printed the errors; a stack trace of execSync would only bury them.
  console.error('\nnpm start: the build failed (errors above); nothing was started.');
  process.exit(1);
}
register();
require('./dev-stack.ts');
