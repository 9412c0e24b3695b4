import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { registerNodeType } from '../test/harness';

/**
 * The n8n floor: the least any n8n node can do for the same requests — n8n's own
 * `httpRequestWithAuthentication` with our credential, no validation, no error mapping, no retries.
 * Comparing the node with it separates the node's own cost from n8n's request machinery.
 */
class BenchFloor implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bench Floor',
		name: 'benchFloor',
		group: ['transform'],
		version: 1,
		description: 'Bare n8n requests, for the benchmarks',
		defaults: { name: 'Bench Floor' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'formantAiApi', required: true }],
		usableAsTool: true,
		properties: [
			{ displayName: 'Mode', name: 'mode', type: 'string', default: 'post' },
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Parallel', name: 'parallel', type: 'number', default: 1 },
			{ displayName: 'Sliding', name: 'sliding', type: 'boolean', default: false },
			{ displayName: 'Phone', name: 'phone', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const mode = this.getNodeParameter('mode', 0) as string;
		const baseUrl = this.getNodeParameter('baseUrl', 0) as string;
		const request = async (options: IDataObject) =>
			(await this.helpers.httpRequestWithAuthentication.call(this, 'formantAiApi', {
				json: true,
				...options,
			} as never)) as IDataObject;

		if (mode === 'post') {
			const items = this.getInputData();
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < items.length; i++) {
				const phone = this.getNodeParameter('phone', i) as string;
				const body = await request({
					method: 'POST',
					url: `${baseUrl}/v1/call`,
					body: {
						agent_id: 123,
						parameters: [{ name: 'customer_phone', value: phone }],
						idempotency_key: `${this.getExecutionId()}-${i}`,
					},
				});
				out.push({ json: (body.data ?? {}) as IDataObject, pairedItem: { item: i } });
			}
			return [out];
		}

		// Pages of 100: the first alone, then `parallel` at a time once `total` is known: in windows
		// (send `parallel`, wait for all) or, with `sliding`, sending the next as each one arrives.
		const sliding = this.getNodeParameter('sliding', 0, false) as boolean;
		const parallel = Math.max(1, this.getNodeParameter('parallel', 0) as number);
		const page = async (offset: number) =>
			await request({
				method: 'GET',
				url: `${baseUrl}/v1/conversations`,
				qs: { limit: 100, offset },
			});
		const first = await page(0);
		const records = [...((first.data ?? []) as IDataObject[])];
		const total = Number(first.total ?? records.length);
		const offsets: number[] = [];
		for (let o = 100; o < total; o += 100) offsets.push(o);
		if (sliding) {
			const inFlight = offsets.slice(0, parallel).map(page);
			let next = inFlight.length;
			while (inFlight.length > 0) {
				const p = await (inFlight.shift() as Promise<IDataObject>);
				for (const record of (p.data ?? []) as IDataObject[]) records.push(record);
				if (next < offsets.length) inFlight.push(page(offsets[next++]));
			}
		} else {
			for (let i = 0; i < offsets.length; i += parallel) {
				const pages = await Promise.all(offsets.slice(i, i + parallel).map(page));
				for (const p of pages) records.push(...((p.data ?? []) as IDataObject[]));
			}
		}
		return [records.map((json) => ({ json, pairedItem: { item: 0 } }))];
	}
}

registerNodeType('benchFloor', new BenchFloor());
