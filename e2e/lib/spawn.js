'use strict';
// The one place the e2e tooling starts OS processes (npm, tar, n8n). Plain CommonJS on purpose:
// `n8n-node lint` applies the community-node rules (no child_process in shipped node code) to
// every .ts file; this file is test tooling, never packed (package.json "files" is ["dist"]).
const { spawn } = require('child_process');

/**
 * Runs as the process-group leader in front of the real command: forwards SIGTERM/SIGINT to it,
 * exits with its exit code, and kills the whole group if the test process disappears (jest
 * killed by a CI timeout, Ctrl-C), so no npm or n8n outlives its test run.
 * argv: parentPid, command, ...args
 */
const WATCHDOG = `
const { spawn } = require('child_process');
const [parentPid, command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: 'inherit' });
const killGroup = () => { try { process.kill(-process.pid, 'SIGKILL'); } catch {} };
child.on('error', (error) => { console.error(error.message); process.exit(127); });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code === null ? 1 : code));
setInterval(() => {
	try { process.kill(Number(parentPid), 0); } catch { killGroup(); }
}, 1000).unref();
`;

/**
 * Starts `command` behind the watchdog, in a new process group (so it can be killed with all its
 * children): the returned ChildProcess is the watchdog; signal it, or kill the group.
 */
function spawnDetached(command, args, options) {
	return spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), command, ...args], {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
}

module.exports = { spawnDetached };
