/**
 * What the node assumes where FormantAI's public docs are silent (batch calls and transcription).
 * Each constant is used by the code; the README lists them. Change them here if FormantAI
 * documents otherwise.
 */

// ── Batch calls (CSV campaigns) ──────────────────────────────────────────────────────────────

/**
 * Assumption: campaign CSVs are UTF-8. The docs give no encoding; input files must decode as
 * UTF-8 (with or without a byte order mark), and the node uploads UTF-8 without one.
 */
export const CSV_ENCODING = 'utf-8';

/**
 * Assumption: FormantAI reads RFC 4180 CSV. The node uploads CRLF line ends, quotes cells that
 * hold commas, quotes or line breaks, and sends phones in E.164 (the one format the docs state).
 */
export const CSV_LINE_END = '\r\n';

/** The docs accept ".csv only": the node always uploads with this MIME type and a .csv name. */
export const CSV_MIME_TYPE = 'text/csv';
export const CSV_DEFAULT_FILE_NAME = 'campaign.csv';

/**
 * Assumption: no documented row or size limit for a campaign, so the node enforces none and
 * passes FormantAI's own 400 message on if it has one.
 */
export const CSV_MAX_ROWS: number | undefined = undefined;

// ── Transcription ────────────────────────────────────────────────────────────────────────────

/** The language codes the docs list (as examples: "including"), offered as the choices. */
export const TRANSCRIPTION_LANGUAGES: ReadonlyArray<{ name: string; value: string }> = [
	{ name: 'Assamese', value: 'as-IN' },
	{ name: 'Bengali', value: 'bn-IN' },
	{ name: 'English (India)', value: 'en-IN' },
	{ name: 'Gujarati', value: 'gu-IN' },
	{ name: 'Hindi', value: 'hi-IN' },
	{ name: 'Kannada', value: 'kn-IN' },
	{ name: 'Malayalam', value: 'ml-IN' },
	{ name: 'Marathi', value: 'mr-IN' },
	{ name: 'Punjabi', value: 'pa-IN' },
	{ name: 'Tamil', value: 'ta-IN' },
	{ name: 'Telugu', value: 'te-IN' },
	{ name: 'Urdu', value: 'ur-IN' },
];

/** Documented: `unknown` asks for auto-detection; combining it with codes is not meaningful. */
export const AUTO_DETECT_LANGUAGE = 'unknown';

/** Documented: a finished job has status `completed`. */
export const TRANSCRIPTION_DONE_STATUS = 'completed';

/**
 * Assumption: only `pending` and `completed` are documented; a job that cannot finish is taken
 * to end in one of these statuses (any other status is polled until the timeout).
 */
export const TRANSCRIPTION_FAILED_STATUSES: readonly string[] = ['cancelled', 'error', 'failed'];

/**
 * Assumption: a failed job's reason is in `error.message` (FormantAI's error envelope shape),
 * else `error` as text, `failure_reason` or `message`, in this order.
 */
export const TRANSCRIPTION_ERROR_FIELDS: readonly string[] = [
	'error.message',
	'error',
	'failure_reason',
	'message',
];

/**
 * Documented examples are not wrapped in `data`; assumption: if FormantAI ever wraps them like
 * its other endpoints, the node unwraps `data` transparently.
 */
export const TRANSCRIPTION_MAY_BE_WRAPPED = true;

/**
 * Assumption: formats and codecs are not documented, so the node only refuses files that are
 * clearly not audio (by MIME type) and accepts any audio/*, video/* (recordings in MP4/WebM),
 * Ogg and untyped files. FormantAI decides the rest.
 */
export const AUDIO_MIME_PREFIXES: readonly string[] = [
	'application/octet-stream',
	'application/ogg',
	'audio/',
	'video/',
];

/**
 * Assumption: no documented size or duration limit, so the node enforces none (a too-large file
 * gets FormantAI's own error).
 */
export const TRANSCRIPTION_MAX_BYTES: number | undefined = undefined;

/** Defaults for waiting: polling is the only way to learn completion (no transcription webhook). */
export const TRANSCRIPTION_DEFAULT_POLL_SECONDS = 5;
export const TRANSCRIPTION_DEFAULT_TIMEOUT_SECONDS = 300;
