// Temporary alias while helpers finish: use test/support/run-ts.js.
require('../support/run-ts.js');
