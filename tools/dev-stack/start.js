// `npm start`: install if needed, build the api and worker, then run the launcher (dev-stack.ts) from source.
const { execSync } = require('node:child_process');

require('./ensure-deps');
const { register, root } = require('../run-ts');
console.log('Building api and worker...');
execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
register();
require('./dev-stack.ts');
