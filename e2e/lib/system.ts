/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that installs and starts local services, never shipped */
import { existsSync } from 'fs';

import { cleanEnv, runOk } from './proc';

/**
 * Debian packages the e2e suites need, by the file that proves each is installed. The suites call
 * ensureDebianPackages() themselves, so `npm ci && npm test` on a fresh machine installs them; this
 * is the only place that knows their names.
 */
export const DEBIAN_PACKAGES = {
	chromium: '/usr/lib/chromium/chromium',
	'redis-server': '/usr/bin/redis-server',
} as const;

export type DebianPackage = keyof typeof DEBIAN_PACKAGES;

let updated = false;

/**
 * Installs the missing ones with apt-get (as root, as CI runs). Anyone else gets an error that
 * names the command to run, never a silent skip.
 */
export async function ensureDebianPackages(
	names: DebianPackage[],
	log: (line: string) => void = () => undefined,
): Promise<void> {
	const missing = names.filter((name) => !existsSync(DEBIAN_PACKAGES[name]));
	if (missing.length === 0) return;
	const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		throw new Error(`the e2e suites need ${missing.join(', ')}: run \`sudo ${command}\` once`);
	}
	const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
	const started = Date.now();
	if (!updated) {
		await runOk('apt-get', ['update', '-qq'], { env, timeoutMs: 10 * 60_000, label: 'apt-get update' });
		updated = true;
	}
	await runOk('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
		env,
		timeoutMs: 20 * 60_000,
		label: command,
	});
	log(`${command}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	for (const name of missing) {
		if (!existsSync(DEBIAN_PACKAGES[name])) throw new Error(`${command} ran but ${DEBIAN_PACKAGES[name]} is missing`);
	}
}
