import type { AxiosInstance } from 'axios';

import type { Simulator, SimulatorOptions } from './index';
import { simClient, start } from './index';

export interface SimulatorUnderTest {
	sim: Simulator;
	/** A client with the simulator's API key. */
	api: AxiosInstance;
	/** Closes this test's simulator and starts another with other options. */
	restart(options: SimulatorOptions): Promise<void>;
}

/** A fresh simulator and a client for it in every test of the enclosing block, closed after it. */
export function useSimulator(options: SimulatorOptions): SimulatorUnderTest {
	const env: SimulatorUnderTest = {
		sim: undefined as unknown as Simulator,
		api: undefined as unknown as AxiosInstance,
		restart: async (next) => {
			await env.sim.close();
			env.sim = await start(next);
			env.api = simClient(env.sim);
		},
	};
	beforeEach(async () => {
		env.sim = await start(options);
		env.api = simClient(env.sim);
	});
	afterEach(async () => {
		await env.sim.close();
	});
	return env;
}
