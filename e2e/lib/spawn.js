'use strict';
// The one place the e2e tooling starts OS processes (n8n, npm, tar). Plain CommonJS on purpose:
// `n8n-node lint` applies the community-node rules (no child_process in shipped node code) to
// every .ts file; this file is test tooling, never packed (package.json "files" is ["dist"]).
const { spawn } = require('child_process');

/** Starts `command` in a new process group (so it can be killed with all its children). */
function spawnDetached(command, args, options) {
	return spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
}

module.exports = { spawnDetached };
