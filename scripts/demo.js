'use strict';
// `npm run demo` entry: runs e2e/demo.ts (and the e2e lib and simulator it imports) straight from
// the TypeScript sources, transpiled in memory with the project's own `typescript` (no new
// dependency, no build output). Everything it starts is stopped by Ctrl-C.
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
			isolatedModules: true,
		},
	});
	module._compile(outputText, filename);
};

require(path.join(__dirname, '..', 'e2e', 'demo.ts'));
