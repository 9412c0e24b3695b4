/** Bytes per chunk when a part is sent from memory or read from n8n's binary store. */
export const CHUNK_BYTES = 64 * 1024;

/** Opens the part's bytes afresh; called each time the part is read. */
export type OpenBytes = () => Promise<AsyncIterable<Uint8Array>>;

/**
 * A file of a multipart body whose bytes are read only while the request sends them, a chunk at
 * a time, so an upload never holds the file in memory. It is a real `File` (FormData keeps it
 * as it is only then, on Node 20 and 24 alike) that answers `size` and `stream()` from its
 * source; n8n's HTTP client sends such a part as a stream with a Content-Length from `size`.
 */
export class FilePart extends File {
	readonly #size: number;
	readonly #open: OpenBytes;

	constructor(size: number, name: string, type: string, open: OpenBytes) {
		super([], name, { type });
		this.#size = size;
		this.#open = open;
	}

	/** A part over bytes already in memory (sent in chunks, never copied). */
	static fromBytes(data: Uint8Array, name: string, type: string): FilePart {
		return new FilePart(data.length, name, type, async () => chunksOf(data));
	}

	/** This part under another file name or type (the same bytes, still unread). */
	named(name: string, type: string): FilePart {
		return name === this.name && type === this.type
			? this
			: new FilePart(this.#size, name, type, this.#open);
	}

	override get size(): number {
		return this.#size;
	}

	/** The byte count, as on a byte array, so callers measure a part and bytes alike. */
	get length(): number {
		return this.#size;
	}

	/**
	 * The bytes, pulled from the source only as fast as the request takes them. A source that
	 * yields more or fewer bytes than `size` fails the stream, so a wrong Content-Length never
	 * goes out as a silently cut or overlong file.
	 */
	override stream(): ReturnType<File['stream']> {
		const expected = this.#size;
		const open = this.#open;
		const name = this.name;
		let source: AsyncIterator<Uint8Array> | undefined;
		let sent = 0;
		const stream = new ReadableStream<Uint8Array>({
			async pull(controller) {
				source ??= (await open())[Symbol.asyncIterator]();
				const next = await source.next();
				if (next.done) {
					if (sent !== expected) {
						controller.error(
							new Error(`The file "${name}" ended after ${sent} of ${expected} bytes`),
						);
					} else controller.close();
					return;
				}
				sent += next.value.length;
				if (sent > expected) {
					await source.return?.();
					controller.error(new Error(`The file "${name}" is longer than its ${expected} bytes`));
					return;
				}
				controller.enqueue(next.value);
			},
			async cancel() {
				await source?.return?.();
			},
		});
		// Node's File types its stream as of unshared buffers; store chunks are ordinary Buffers.
		return stream as ReturnType<File['stream']>;
	}

	/** Reads the whole part (only for consumers that ask for it; uploads use `stream()`). */
	override async arrayBuffer(): Promise<ArrayBuffer> {
		const out = new Uint8Array(this.#size);
		let offset = 0;
		const reader = this.stream().getReader();
		for (let next = await reader.read(); !next.done; next = await reader.read()) {
			out.set(next.value, offset);
			offset += next.value.length;
		}
		return out.buffer;
	}

	override async text(): Promise<string> {
		return new TextDecoder().decode(await this.arrayBuffer());
	}

	/** Not supported: a part is sent whole (Blob's own would return the empty inner blob). */
	override slice(): Blob {
		throw new Error('A streamed upload part cannot be sliced');
	}
}

async function* chunksOf(data: Uint8Array): AsyncGenerator<Uint8Array> {
	for (let offset = 0; offset < data.length; offset += CHUNK_BYTES) {
		yield data.subarray(offset, offset + CHUNK_BYTES);
	}
}
