/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmarks drive a local server and measure the process, never shipped */
import { start, type SimulatorOptions } from '../test/simulator';
import { answer, type SimCommand } from './sim';

/** The simulator as a child process of the benchmark, commanded over IPC (see sim.ts). */
async function main(): Promise<void> {
	const options = JSON.parse(process.env.BENCH_SIM_OPTIONS ?? '{}') as SimulatorOptions;
	const sim = await start(options);
	process.on('message', (message: { id: number; command: SimCommand }) => {
		answer(sim, message.command).then(
			(value) => process.send?.({ id: message.id, value }),
			(error: Error) => process.send?.({ id: message.id, error: error.message }),
		);
	});
	process.on('SIGTERM', () => {
		void sim.close().then(() => process.exit(0));
	});
	process.on('disconnect', () => {
		void sim.close().then(() => process.exit(0));
	});
	process.send?.({ ready: { url: sim.url, apiKey: sim.apiKey } });
}

void main();
