// The npm registry our machines reach lacks some platform builds that packages list as optional
// dependencies (e.g. @unrs/resolver-binding-darwin-arm64). `npm install` skips them, but then the
// lockfile has no entry for them and `npm ci` refuses it as out of sync. This adds an entry, with
// the package's platform, for every missing optional dependency; npm ci skips those entries on
// platforms they don't match, so nothing is fetched. Run after `npm install` changes the lockfile.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32'];
const CPU = ['arm64', 'arm', 'ia32', 'loong64', 'ppc64', 's390x', 'riscv64', 'x64'];

/** Platform fields from a binding's name, e.g. "resolver-binding-linux-arm-musleabihf". */
function platformOf(name) {
	const parts = name.split('/').pop().split('-');
	const os = parts.find((p) => OS.includes(p));
	const cpu = parts.find((p) => CPU.includes(p));
	if (!os || !cpu) return undefined;
	const entry = { os: [os], cpu: [cpu] };
	if (os === 'linux') entry.libc = [parts.some((p) => p.startsWith('musl')) ? 'musl' : 'glibc'];
	return entry;
}

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
let added = 0;
for (const [location, pkg] of Object.entries(lock.packages)) {
	for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
		const base = location ? `${location}/node_modules/${name}` : `node_modules/${name}`;
		if (lock.packages[base] || lock.packages[`node_modules/${name}`]) continue;
		const platform = platformOf(name);
		if (!platform) continue;
		lock.packages[`node_modules/${name}`] = {
			version,
			dev: pkg.dev || undefined,
			optional: true,
			...platform,
		};
		added++;
	}
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile: added ${added} platform-only optional entries`);
