/**
 * Conversation IDs as FormantAI documents them: a UUID (`a3f47b9e-8c2d-4f1a-9b7e-2d5f3c6a7b8e`),
 * optionally with a chain suffix `_<n>` (`e36853de-…_1`). Anything else is refused before a request
 * is sent: an ID with `/`, `?` or spaces would otherwise address a different URL. Strict on purpose;
 * if FormantAI ever issues other shapes, this one pattern is the place to widen.
 */
export const CONVERSATION_ID =
	/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:_\d+)?$/i;

export function conversationIdProblem(value: unknown): string | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		return 'is required, got nothing';
	}
	if (typeof value !== 'string') return `must be text, got ${JSON.stringify(value)}`;
	const id = value.trim();
	if (!CONVERSATION_ID.test(id)) {
		const shown = id.length > 60 ? `${id.slice(0, 60)}…` : id;
		return `"${shown}" is not a FormantAI conversation ID (a UUID, optionally followed by _<number>)`;
	}
	return undefined;
}
