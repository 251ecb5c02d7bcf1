// `npm start`: install if needed, build, then run api + worker on embedded defaults (see dev-stack.ts).
const { execSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
require('./ensure-deps');
console.log('Building api, worker and the dev launcher...');
execSync('npm run -s build && npm run -s build:dev-stack', { cwd: root, stdio: 'inherit' });
require(path.join(root, 'dist/dev-stack/test/dev-stack/dev-stack.js'));
