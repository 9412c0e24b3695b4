/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- e2e tooling that drives a real n8n process, never shipped */
import { createHash, randomBytes } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';

import type { N8nInstall } from './install';
import { cleanEnv, runOk } from './proc';

export interface N8nHome {
	/** N8N_USER_FOLDER; n8n keeps its state in `<dir>/.n8n` (config, database.sqlite, nodes/). */
	dir: string;
	install: N8nInstall;
	encryptionKey: string;
	/** Environment for any n8n process on this home (extra values win). */
	env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
	/** Deletes the folder (stop servers first). */
	dispose(): void;
}

export interface CreateN8nHomeOptions {
	/** Default: a fixed test key, so imported credentials can be decrypted by every process. */
	encryptionKey?: string;
	/** Parent folder for the temp home (default: the OS temp dir). */
	parentDir?: string;
	/** More n8n settings for every process of this home (e.g. an expression engine option). */
	settings?: Record<string, string>;
}

/** Fixed (not secret) so every n8n process of a test home decrypts the same credentials. */
export const DEFAULT_ENCRYPTION_KEY = createHash('sha256').update('n8n-nodes-formantai e2e').digest('hex');

/** A fresh, empty n8n user folder in a temp dir, with a fixed encryption key. */
export function createN8nHome(install: N8nInstall, options: CreateN8nHomeOptions = {}): N8nHome {
	const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'formantai-n8n-'));
	const encryptionKey = options.encryptionKey ?? DEFAULT_ENCRYPTION_KEY;
	const n8nFolder = join(dir, '.n8n');
	mkdirSync(n8nFolder, { recursive: true });
	// n8n writes this file itself on first start; writing it first makes the key explicit and
	// avoids the "settings file has a different key" failure if the env var is ever missing.
	writeFileSync(join(n8nFolder, 'config'), JSON.stringify({ encryptionKey }, null, '\t'), {
		mode: 0o600,
	});

	const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv =>
		cleanEnv({
			N8N_USER_FOLDER: dir,
			N8N_ENCRYPTION_KEY: encryptionKey,
			DB_TYPE: 'sqlite',
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			// No phoning home: this machine has no internet and tests must not depend on it.
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_OUTPUT: 'console',
			N8N_LOG_LEVEL: 'info',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			// Community package folders are found by scanning .n8n/nodes/node_modules; nothing may
			// try to reinstall them from the registry.
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			NODE_ENV: 'production',
			// n8n spawns its task runner as plain `node` from PATH: it must be Node 24 as well.
			PATH: `${dirname(install.node)}:${process.env.PATH ?? ''}`,
			...options.settings,
			...extra,
		});

	return {
		dir,
		install,
		encryptionKey,
		env,
		dispose: () => rmSync(dir, { recursive: true, force: true }),
	};
}

export const PACKAGE_NAME = 'n8n-nodes-formantai';

export interface InstalledPackage {
	name: string;
	version: string;
	/** `<home>/.n8n/nodes/node_modules/<name>` */
	dir: string;
}

/**
 * Unpacks an `npm pack` tarball the way n8n's own community-package installer does:
 * `tar -xzf --strip-components=1` into `.n8n/nodes/node_modules/<name>`, dev/peer/optional
 * dependencies dropped from its package.json, and the package recorded in the
 * `.n8n/nodes/package.json` ledger. n8n finds it by scanning `node_modules/n8n-nodes-*` at start.
 */
export async function installPackage(home: N8nHome, tarballPath: string): Promise<InstalledPackage> {
	const tarball = resolve(tarballPath);
	if (!existsSync(tarball)) throw new Error(`package tarball not found: ${tarball}`);
	const nodesDir = join(home.dir, '.n8n', 'nodes');
	const unpackDir = join(nodesDir, '.unpack');
	rmSync(unpackDir, { recursive: true, force: true });
	mkdirSync(unpackDir, { recursive: true });
	await runOk('tar', ['-xzf', tarball, '-C', unpackDir, '--strip-components=1'], {
		timeoutMs: 60_000,
		label: `tar -xzf ${tarball}`,
	});

	const packageJsonPath = join(unpackDir, 'package.json');
	const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as {
		name: string;
		version: string;
		dependencies?: Record<string, string>;
		devDependencies?: unknown;
		peerDependencies?: unknown;
		optionalDependencies?: unknown;
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	if (!packageJson.n8n) throw new Error(`${tarball}: package.json has no "n8n" section`);
	if (packageJson.dependencies && Object.keys(packageJson.dependencies).length > 0) {
		// n8n would `npm install` them from the registry; our package must not need that.
		throw new Error(`${packageJson.name} has runtime dependencies; the e2e harness does not install them`);
	}
	const { devDependencies, peerDependencies, optionalDependencies, ...kept } = packageJson;
	void devDependencies;
	void peerDependencies;
	void optionalDependencies;
	writeFileSync(packageJsonPath, JSON.stringify(kept, null, 2));

	const target = join(nodesDir, 'node_modules', packageJson.name);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(join(target, '..'), { recursive: true });
	renameSync(unpackDir, target);

	// The ledger n8n keeps next to node_modules (it rebuilds it from the database if missing).
	const ledgerPath = join(nodesDir, 'package.json');
	let ledger: { name: string; private: boolean; dependencies: Record<string, string> } = {
		name: 'installed-nodes',
		private: true,
		dependencies: {},
	};
	if (existsSync(ledgerPath)) {
		ledger = JSON.parse(readFileSync(ledgerPath, 'utf8')) as typeof ledger;
	}
	ledger.dependencies[packageJson.name] = packageJson.version;
	writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2));

	return { name: packageJson.name, version: packageJson.version, dir: target };
}

/** `npm pack` of a built package folder into `outDir`; returns the tarball path. */
export async function packPackage(packageDir: string, outDir: string): Promise<string> {
	mkdirSync(outDir, { recursive: true });
	const result = await runOk('npm', ['pack', '--json', '--ignore-scripts', `--pack-destination=${outDir}`], {
		cwd: packageDir,
		env: cleanEnv(),
		timeoutMs: 120_000,
		label: `npm pack ${packageDir}`,
	});
	const parsed = JSON.parse(result.stdout) as Array<{ filename: string }>;
	return join(outDir, parsed[0].filename);
}

/** A random 16-char id of the kind n8n uses for workflows and credentials. */
export function randomId(): string {
	const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
	return Array.from(randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}
