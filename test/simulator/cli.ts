/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- test tooling (a local HTTP server), never shipped */
import { start } from './index';

function arg(name: string): string | undefined {
	const args = process.argv.slice(2);
	const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
	if (i < 0) return undefined;
	const a = args[i];
	return a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[i + 1];
}

async function main(): Promise<void> {
	const port = Number(arg('port') ?? process.env.FORMANTAI_SIM_PORT ?? 4010);
	const sim = await start({
		port,
		realTime: true,
		apiKey: arg('api-key') ?? process.env.FORMANTAI_SIM_API_KEY,
		webhookSecret: arg('webhook-secret') ?? process.env.FORMANTAI_SIM_WEBHOOK_SECRET,
	});
	console.log('FormantAI simulator (test tooling, not the real API)');
	console.log(`  base URL:       ${sim.url}`);
	console.log(`  API key:        ${sim.apiKey}`);
	console.log(`  webhook secret: ${sim.webhookSecret}`);
	console.log(`  agents:         ${sim.options.agents.join(', ')}`);
	console.log(`  admin API:      ${sim.url}/__admin (see test/simulator/ASSUMPTIONS.md)`);
	let stopping = false;
	const stop = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping simulator`);
		sim.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: Error) => {
	console.error(e.message);
	process.exit(1);
});
