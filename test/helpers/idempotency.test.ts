import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { executionIdentity } from '../../nodes/FormantAi/helpers/idempotency';

/** Just what executionIdentity reads: the node's execution context and the execution ID. */
function fakeContext(executionId: string, nodeContext: IDataObject): IExecuteFunctions {
	return {
		getExecutionId: () => executionId,
		getContext: () => nodeContext,
	} as unknown as IExecuteFunctions;
}

describe('execution identity of the Automatic key', () => {
	it("is the same in n8n's Retry of a failed execution (new ID, the saved context of the first)", () => {
		const saved: IDataObject = {};
		const first = executionIdentity(fakeContext('41', saved));
		const retried = executionIdentity(fakeContext('42', saved));
		expect(retried).toBe(first);
	});

	it('differs for a new execution (a new, empty context)', () => {
		const one = executionIdentity(fakeContext('41', {}));
		const two = executionIdentity(fakeContext('41', {}));
		expect(one).not.toBe(two);
	});
});
