'use strict';
// require('kadswarm'). kadswarm is an ES module; Node 20.19 and later can require() one, and then
// this hands out the very module `import('kadswarm')` gives. Node 20.11–20.18 cannot (the engines
// range starts at 20.11): there require('kadswarm') gives { load }, where load() imports the
// module, with a warning that says so, instead of ERR_REQUIRE_ESM with no way forward.
try {
  module.exports = require('./dist/src/index.js');
} catch (err) {
  if (!err || err.code !== 'ERR_REQUIRE_ESM') throw err;
  process.emitWarning(
    `kadswarm is an ES module and require() of one does not work here (Node ${process.version}; it does on Node 20.19+): ` +
      "use `await import('kadswarm')`, or `await require('kadswarm').load()`",
    { code: 'KADSWARM_REQUIRE_ESM' },
  );
  module.exports = { load: () => import('./dist/src/index.js') };
}
