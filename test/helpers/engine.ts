import type { INodeParameters } from 'n8n-workflow';

import { resetRuntime, runtime } from '../../nodes/FormantAi/transport';
import type { InputItem, RunNodeOptions, RunNodeResult } from '../harness';
import { apiCredential, runNode } from '../harness';
import type { Simulator, SimulatorOptions } from '../simulator';
import { start } from '../simulator';

/** Wednesday 2026-03-18 10:00 UTC (15:30 in Asia/Kolkata). */
export const T0 = Date.parse('2026-03-18T10:00:00Z');

export interface Engine {
	sim: Simulator;
	/** Every wait the node asked for, in ms (no real waiting: the simulator clock moves instead). */
	sleeps: number[];
	run(
		parameters: INodeParameters,
		options?: Partial<Omit<RunNodeOptions, 'parameters' | 'credentials'>> & { input?: InputItem[] },
	): Promise<RunNodeResult>;
	close(): Promise<void>;
}

/** A simulator plus the transport's runtime pointed at its virtual clock. */
export async function startEngine(options: SimulatorOptions = {}): Promise<Engine> {
	const sim = await start({ now: T0, ...options });
	const sleeps: number[] = [];
	runtime.sleep = async (ms) => {
		sleeps.push(ms);
		await sim.clock.advance(ms);
	};
	runtime.now = () => sim.clock.now();
	runtime.random = () => 0.5;
	runtime.requestTimeoutMs = 2_000;
	return {
		sim,
		sleeps,
		run: async (parameters, extra = {}) =>
			await runNode({
				...extra,
				parameters,
				credentials: { formantAiApi: apiCredential(sim.url, sim.apiKey) },
			}),
		close: async () => {
			resetRuntime();
			await sim.close();
		},
	};
}

/** The request the simulator saw for POST /v1/call, in order. */
export function callRequests(sim: Simulator) {
	return sim.log.filter((e) => e.method === 'POST' && e.path === '/v1/call');
}
