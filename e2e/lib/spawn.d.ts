/* eslint-disable @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import type { ChildProcess } from 'child_process';

/**
 * Starts `command` in a new process group behind a watchdog (the returned process) that forwards
 * SIGTERM/SIGINT, passes the exit code through, and kills the group if this process dies.
 * stdin ignored, stdout/stderr piped.
 */
export declare function spawnDetached(
	command: string,
	args: string[],
	options: { cwd?: string; env: NodeJS.ProcessEnv },
): ChildProcess;
