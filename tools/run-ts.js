// The one TypeScript runner for developer tools (the `npm start` launcher, benchmarks, code generation) and for
// test child processes: compiles .ts on require with SWC, using the same options as the tests, and resolves the
// @app/* aliases. As a command: node tools/run-ts.js <file.ts> [args...]; as a module: require('./run-ts').register().
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const root = path.join(__dirname, '..');
let registered = false;

function register() {
  if (registered) return;
  registered = true;
  const swc = require('@swc/core');
  const jestTransform = require(path.join(root, 'package.json')).jest.transform['^.+\\.ts$'][1];
  const options = { ...jestTransform, sourceMaps: 'inline' };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const alias = /^@app\/([a-z-]+)(\/.*)?$/.exec(request);
    if (alias) request = path.join(root, 'libs', alias[1], 'src', alias[2] ?? '');
    return resolve.call(this, request, ...rest);
  };
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
    module._compile(code, filename);
  };
}

module.exports = { register, root };

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node tools/run-ts.js <file.ts> [args...]');
    process.exit(2);
  }
  register();
  process.argv.splice(1, 1);
  require(path.resolve(target));
}
