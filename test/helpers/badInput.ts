import type { INodeParameters } from 'n8n-workflow';

import type { InputItem, Engine } from '../harness';
import { startEngine } from '../harness';

/**
 * Every bad input is refused with an error naming the field and the item, and nothing reaches
 * FormantAI. Shared by the Call and Conversation matrices.
 */
export interface BadInputCase {
	name: string;
	parameters: INodeParameters;
	input?: InputItem[];
	field: string;
	/** The item the error must name (default 0). Items before it must be valid and other ops. */
	item?: number;
}

export function runBadInputMatrix(title: string, cases: BadInputCase[]): void {
	describe(title, () => {
		let engine: Engine;
		beforeAll(async () => {
			engine = await startEngine();
		});
		afterAll(async () => {
			await engine.close();
		});
		beforeEach(() => engine.sim.clearLog());

		it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
			const result = await engine.run(c.parameters, { input: c.input });
			const item = c.item ?? 0;
			expect(result.error).toBeDefined();
			const message = result.error!.message;
			expect(message.startsWith(`${c.field}: `)).toBe(true);
			expect(message.endsWith(`[item ${item}]`)).toBe(true);
			expect(engine.sim.log).toHaveLength(0);
		});
	});
}
