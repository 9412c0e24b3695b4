import {
	conversationTimeIso,
	simplifyConversation,
	transcriptText,
	transcriptTurns,
} from '../../nodes/FormantAi/helpers/simplify';

describe('simplify', () => {
	it('reads the list timestamps as epoch milliseconds (seconds when too small to be ms)', () => {
		expect(conversationTimeIso(1773867201766)).toBe('2026-03-18T20:53:21.766Z');
		expect(conversationTimeIso(1773867201)).toBe('2026-03-18T20:53:21Z');
		expect(conversationTimeIso('2026-03-18T20:53:41.766Z')).toBe('2026-03-18T20:53:41.766Z');
		expect(conversationTimeIso(null)).toBeNull();
		expect(conversationTimeIso(0)).toBeNull();
	});

	it('turns the transcript into turns and readable text', () => {
		const turns = transcriptTurns([
			{ role: 'agent', message: 'Hello Rahul...' },
			{ role: 'human', message: 'Yes, I can talk.' },
			{ role: 'supervisor', message: 'Noted.' },
			'junk',
		]);
		expect(turns).toHaveLength(3);
		expect(transcriptText(turns)).toBe(
			'Agent: Hello Rahul...\nCustomer: Yes, I can talk.\nSupervisor: Noted.',
		);
		expect(transcriptTurns(undefined)).toEqual([]);
	});

	it('flattens the documented detail example', () => {
		const detail = {
			agent_id: 123,
			contact_number: '+919876543210',
			conversation_id: 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
			duration_seconds: 142,
			failure_reason: null,
			results: { intent: 'payment_confirmed', 'next step': 'email', sentiment: 'positive' },
			status: 'completed',
			trace_id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
			transcript: [
				{ role: 'agent', message: 'Hello Rahul...' },
				{ role: 'human', message: 'Yes, I can talk.' },
			],
		};
		expect(simplifyConversation(detail)).toEqual({
			conversation_id: 'e36853de-9cbb-441e-ad75-d3c8ac82abfb_1',
			agent_id: 123,
			status: 'completed',
			contact_number: '+919876543210',
			duration_seconds: 142,
			started_at: null,
			ended_at: null,
			failure_reason: null,
			result_intent: 'payment_confirmed',
			result_next_step: 'email',
			result_sentiment: 'positive',
			transcript: 'Agent: Hello Rahul...\nCustomer: Yes, I can talk.',
			transcript_turns: detail.transcript,
			trace_id: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
		});
		expect(simplifyConversation(detail, { compact: true }).transcript_turns).toBeUndefined();
	});

	it('flattens a list item (no transcript or results fields added)', () => {
		expect(
			simplifyConversation({
				agent_id: 123,
				contact_number: '+919876543210',
				conversation_id: 'x',
				duration_seconds: 142,
				end_timestamp: 1773867341766,
				start_timestamp: 1773867201766,
				status: 'completed',
			}),
		).toEqual({
			conversation_id: 'x',
			agent_id: 123,
			status: 'completed',
			contact_number: '+919876543210',
			duration_seconds: 142,
			started_at: '2026-03-18T20:53:21.766Z',
			ended_at: '2026-03-18T20:55:41.766Z',
		});
	});
});
