import { apiCredential, runNode } from './index';

test('the harness runs the action node through the engine', async () => {
	const result = await runNode({
		parameters: { resource: 'call', operation: 'nothing' },
		credentials: { formantAiApi: apiCredential('http://127.0.0.1:9', 'k') },
	});
	expect(result.error?.message).toContain('not known');
});
