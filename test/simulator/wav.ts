/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling (a local HTTP server), never shipped */
import { Readable } from 'stream';

const HEADER_BYTES = 44;
const SAMPLE_RATE = 8000; // telephone-quality mono 16-bit PCM
const TONE_HZ = 400; // 20 samples per period, so a 32,000-sample chunk repeats seamlessly
const CHUNK_BYTES = 64_000;

let toneChunk: Buffer | undefined;
/** One precomputed chunk of quiet tone, shared by every chunk of every recording. */
function tone(): Buffer {
	if (!toneChunk) {
		toneChunk = Buffer.alloc(CHUNK_BYTES);
		for (let i = 0; i < CHUNK_BYTES / 2; i++) {
			toneChunk.writeInt16LE(
				Math.round(2000 * Math.sin((2 * Math.PI * TONE_HZ * i) / SAMPLE_RATE)),
				i * 2,
			);
		}
	}
	return toneChunk;
}

/** Canonical 44-byte PCM WAV header whose RIFF/data sizes match `totalBytes`. */
export function wavHeader(totalBytes: number): Buffer {
	const dataBytes = totalBytes - HEADER_BYTES;
	const h = Buffer.alloc(HEADER_BYTES);
	h.write('RIFF', 0, 'ascii');
	h.writeUInt32LE(totalBytes - 8, 4);
	h.write('WAVE', 8, 'ascii');
	h.write('fmt ', 12, 'ascii');
	h.writeUInt32LE(16, 16); // fmt chunk size
	h.writeUInt16LE(1, 20); // PCM
	h.writeUInt16LE(1, 22); // mono
	h.writeUInt32LE(SAMPLE_RATE, 24);
	h.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
	h.writeUInt16LE(2, 32); // block align
	h.writeUInt16LE(16, 34); // bits per sample
	h.write('data', 36, 'ascii');
	h.writeUInt32LE(dataBytes, 40);
	return h;
}

/** Total size actually served: at least a header, PCM data an even number of bytes. */
export function wavSize(requested: number): number {
	const data = Math.max(0, Math.floor((requested - HEADER_BYTES) / 2) * 2);
	return HEADER_BYTES + data;
}

/**
 * Streams a WAV of `totalBytes` (see wavSize) generated chunk by chunk, so a 50 MB
 * recording never sits in memory at once. Content is a quiet 400 Hz tone.
 */
export function wavStream(totalBytes: number): Readable {
	let sent = 0;
	return new Readable({
		read() {
			if (sent === 0) {
				sent = HEADER_BYTES;
				this.push(wavHeader(totalBytes));
				return;
			}
			const left = totalBytes - sent;
			if (left <= 0) {
				this.push(null);
				return;
			}
			const n = Math.min(CHUNK_BYTES, left);
			sent += n;
			// A view of the shared tone chunk: no per-chunk allocation, so serving a 50 MB file
			// adds no garbage for the GC to catch up with. Consumers must not mutate chunks.
			this.push(tone().subarray(0, n));
		},
	});
}

export function isWav(buf: Buffer): boolean {
	return (
		buf.length >= 12 &&
		buf.toString('ascii', 0, 4) === 'RIFF' &&
		buf.toString('ascii', 8, 12) === 'WAVE'
	);
}
