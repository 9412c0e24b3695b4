/**
 * A request's answer, or the error the transport built for it (already an n8n error with
 * FormantAI's message, the hint and the item). Lets a caller react to some errors and pass the
 * rest on exactly as they are, without wrapping an n8n error in another one.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function outcome<T>(promise: Promise<T>): Promise<Outcome<T>> {
	return await promise.then(
		(value): Outcome<T> => ({ ok: true, value }),
		(error: unknown): Outcome<T> => ({ ok: false, error }),
	);
}
