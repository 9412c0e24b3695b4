// The community-package scan n8n runs before verification, offline: once over the sources
// (nodes/, credentials/, package.json) and once over exactly what `npm pack` would publish.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = process.cwd();
let failed = false;

async function scan(label, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	if (result.passed) {
		console.log(`scan ${label}: passed${result.message ? ` (${result.message})` : ''}`);
	} else {
		failed = true;
		console.error(`scan ${label}: FAILED — ${result.message}\n${result.details ?? ''}`);
	}
}

await scan('sources', root, SOURCE_FILE_PATTERNS);

const work = mkdtempSync(join(tmpdir(), 'formantai-scan-'));
try {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}),
	);
	execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', work]);
	const files = packed.files.map((f) => f.path);
	const strays = files.filter((f) => !f.startsWith('dist/') && !/^(package\.json|README\.md|LICENSE(\.md)?)$/.test(f));
	if (strays.length) {
		failed = true;
		console.error(`scan tarball: unexpected files in the package: ${strays.join(', ')}`);
	}
	const deps = Object.keys(JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json").dependencies||{})'], { cwd: join(work, 'package'), encoding: 'utf8' })));
	if (deps.length) {
		failed = true;
		console.error(`scan tarball: runtime dependencies are not allowed: ${deps.join(', ')}`);
	}
	console.log(
		`package: ${packed.filename}, ${files.length} files, ${(packed.size / 1024).toFixed(1)} KB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KB unpacked, ${deps.length} runtime dependencies`,
	);
	await scan('tarball', join(work, 'package'), ['dist/**/*.js', 'package.json']);
} finally {
	rmSync(work, { recursive: true, force: true });
}

process.exit(failed ? 1 : 0);
