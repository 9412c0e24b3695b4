import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { resetRuntime, runtime } from '../../nodes/FormantAi/transport';
import type { RunNodeOptions, RunNodeResult } from '../harness';
import { apiCredential, runNode } from '../harness';
import type { Simulator } from '../simulator';
import { start } from '../simulator';

export const T0 = Date.parse('2026-03-18T10:00:00.000Z');

/** A simulator per test, with the transport's waiting and clock on the simulator's virtual time. */
export function useSimulator(): { sim: () => Simulator } {
	let sim: Simulator | undefined;
	beforeEach(async () => {
		sim = await start({ now: T0 });
		const current = sim;
		runtime.sleep = async (ms) => {
			await current.clock.advance(ms);
		};
		runtime.now = () => current.clock.now();
	});
	afterEach(async () => {
		resetRuntime();
		await sim?.close();
		sim = undefined;
	});
	return {
		sim: () => {
			if (!sim) throw new Error('no simulator');
			return sim;
		},
	};
}

export type RunOptions = Omit<RunNodeOptions, 'credentials' | 'parameters'> & {
	parameters: INodeParameters;
};

/** Runs the node against the simulator and checks that no output ever holds the API key. */
export async function run(sim: Simulator, options: RunOptions): Promise<RunNodeResult> {
	const result = await runNode({
		...options,
		credentials: { formantAiApi: apiCredential(sim.url, sim.apiKey) },
	});
	const visible = JSON.stringify({
		items: result.items,
		error: result.error
			? {
					message: result.error.message,
					description: (result.error as { description?: unknown }).description,
					context: (result.error as { context?: unknown }).context,
				}
			: null,
	});
	expect(visible).not.toContain(sim.apiKey);
	return result;
}

/** The item indexes an output item is linked to. */
export function pairedItems(item: INodeExecutionData): number[] {
	const paired = item.pairedItem;
	const list = Array.isArray(paired) ? paired : paired === undefined ? [] : [paired];
	return list.map((p) => (typeof p === 'number' ? p : p.item));
}

/** API requests the node sent (the simulator's log), as "METHOD path". */
export function requests(sim: Simulator): string[] {
	return sim.log.map((entry) => `${entry.method} ${entry.path}`);
}
