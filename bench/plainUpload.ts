/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmarks drive a local server, never shipped */
import { randomBytes } from 'crypto';
import * as http from 'http';
import type { Readable } from 'stream';

import { jsonAnswer } from './lib';

export interface PlainFile {
	field: string;
	fileName: string;
	type: string;
	size: number;
	/** The bytes, whole or as a stream (piped with backpressure). */
	body: Buffer | Readable;
}

/**
 * The baselines' upload: a hand-written multipart/form-data POST with plain `http`, a known
 * Content-Length, the file written whole or piped from its stream. Resolves with status and JSON.
 */
export function plainUpload(
	url: string,
	apiKey: string,
	fields: Record<string, string>,
	file: PlainFile,
): Promise<{ status: number; json: unknown }> {
	const boundary = `plain-${randomBytes(12).toString('hex')}`;
	let head = '';
	for (const [name, value] of Object.entries(fields)) {
		head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
	}
	head += `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.fileName}"\r\nContent-Type: ${file.type}\r\n\r\n`;
	const tail = `\r\n--${boundary}--\r\n`;
	const length = Buffer.byteLength(head) + file.size + Buffer.byteLength(tail);
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method: 'POST',
				headers: {
					Authorization: `Bearer ${apiKey}`,
					Accept: 'application/json',
					'Content-Type': `multipart/form-data; boundary=${boundary}`,
					'Content-Length': String(length),
				},
			},
			jsonAnswer(resolve, reject),
		);
		req.on('error', reject);
		req.write(head);
		if (Buffer.isBuffer(file.body)) {
			req.write(file.body);
			req.end(tail);
		} else {
			file.body.on('error', reject);
			file.body.on('end', () => req.end(tail));
			file.body.pipe(req, { end: false });
		}
	});
}
