import type { IDataObject } from 'n8n-workflow';

import type { Engine } from '../harness';
import { callRequests, startEngine } from '../harness';

const call = (extra: IDataObject = {}) => ({
	resource: 'call',
	operation: 'create',
	agentId: 123,
	customerPhone: '={{ $json.phone }}',
	...extra,
});

const five = (bad: string) =>
	['+919876543210', '+919876543211', '+919876543212', bad, '+919876543214'].map((phone) => ({
		json: { phone },
	}));

describe('Call → Create: nobody is dialled twice or wrongly', () => {
	let engine: Engine;
	beforeEach(async () => {
		engine = await startEngine();
	});
	afterEach(async () => {
		await engine.close();
	});

	describe('every item is checked before the first call', () => {
		it('a bad item 3 of 5 fails the run before anyone is dialled', async () => {
			const result = await engine.run(call(), { input: five('call me maybe') });
			expect(result.error?.message).toMatch(/^Customer Phone: .*\[item 3\]$/);
			expect(engine.sim.log).toHaveLength(0);
			expect(engine.sim.callsPlaced()).toHaveLength(0);
		});

		it('a bad Calling Window on item 4 stops items 0 to 3 too', async () => {
			const result = await engine.run(
				call({
					safety: {
						callingWindow: {
							window: {
								days: [],
								start: '00:00',
								end: '={{ $itemIndex === 4 ? "9pm" : "23:59" }}',
								timeZone: 'UTC',
							},
						},
					},
				}),
				{ input: five('+919876543213') },
			);
			expect(result.error?.message).toMatch(/^Calling Window Until: .*\[item 4\]$/);
			expect(engine.sim.log).toHaveLength(0);
		});

		it('with Continue On Fail, the bad item is an error item and the good ones are called, in order', async () => {
			const result = await engine.run(call(), {
				input: five('call me maybe'),
				continueOnFail: true,
			});
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => i.pairedItem)).toEqual(
				[0, 1, 2, 3, 4].map((item) => ({ item })),
			);
			expect(String(result.items[3].json.error)).toMatch(/^Customer Phone: .*\[item 3\]$/);
			expect(result.items.filter((i) => i.json.status === 'initiated')).toHaveLength(4);
			expect(callRequests(engine.sim)).toHaveLength(4);
		});
	});
});
