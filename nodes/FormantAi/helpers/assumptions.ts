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

// ── Calls: Wait for Outcome ──────────────────────────────────────────────────────────────────

/**
 * Documented (conversation statuses, "common statuses include"): these end a call attempt.
 * Assumption: the list may not be exhaustive, so any other status (`initiated`, `in_progress`,
 * `scheduled`, or one FormantAI adds) is taken as still running and polled until Max Wait.
 */
export const CONVERSATION_TERMINAL_STATUSES: readonly string[] = [
	'completed',
	'failed',
	'busy',
	'no_answer',
	'socket_failure',
	'telephony_failed',
	'unreachable',
];

/**
 * Assumption: FormantAI does not say when a just-placed call's conversation can be read, and an
 * immediate call's answer has `conversation_id: null`. The node finds it by the documented
 * `trace_id` (same in the call's answer and the conversation's detail): it lists the agent's
 * conversations (newest first, pages of this size), reads the detail of those with the called
 * number, and keeps the one whose `trace_id` matches. Until it appears (or while its ID answers
 * 404) the call counts as still `initiated`.
 */
export const OUTCOME_LOOKUP_PAGE_SIZE = 100;

/**
 * How many pages a poll reads at most while looking for the call: a campaign on the same agent
 * can push it below the newest page, and a bound keeps one poll's cost known. A call with more
 * than this many newer conversations of its agent is not found (the item ends `timed_out`).
 */
export const OUTCOME_LOOKUP_MAX_PAGES = 10;

/** Defaults for waiting: the first poll after this interval, growing by the factor up to the cap. */
export const OUTCOME_DEFAULT_POLL_SECONDS = 10;
export const OUTCOME_DEFAULT_MAX_WAIT_SECONDS = 600;
export const OUTCOME_MAX_WAIT_LIMIT_SECONDS = 3600;
export const OUTCOME_POLL_BACKOFF = 1.5;
export const OUTCOME_POLL_CAP_SECONDS = 60;

// ── Lists in the editor (resource locators) ──────────────────────────────────────────────────

/**
 * Documented: list pages hold at most 100 records. A list in the editor asks for one page of
 * this size per request and hands n8n a token for the next; it never reads to the end.
 */
export const LIST_SEARCH_PAGE_SIZE = 100;

/**
 * With search text, a page may hold no match. The search then reads on, up to this many pages
 * per request (stopping at the first page with a match), so the list is not left empty while
 * matches exist a little further down; n8n asks for the rest as the user scrolls.
 */
export const LIST_SEARCH_MAX_PAGES = 5;

/**
 * FormantAI has no API that lists agents. Assumption: `GET /v1/conversations` lists the newest
 * conversations first (as for Wait for Outcome above). The Agent list offers the distinct
 * `agent_id`s of the newest AGENT_LIST_PAGES × LIST_SEARCH_PAGE_SIZE conversations: an agent
 * with no recent call is not in it and is entered By ID.
 */
export const AGENT_LIST_PAGES = 2;

// ── Conversations: time filters (Get Many) ───────────────────────────────────────────────────

/**
 * Assumption (order undocumented, API Unknowns): `GET /v1/conversations` lists the newest
 * conversations first, as above. A conversation may be listed out of start-time order by at most
 * CONVERSATION_LIST_SLACK_MS (a call scheduled ahead is listed by when it was placed; a call
 * lasts less than this). So with Started After or Ended After, Get Many stops reading pages after
 * the first page that holds a conversation that started more than this long before the earliest
 * time those filters allow: nothing older can still match. The filters themselves are exact
 * (applied to every record read); only where reading stops rests on this.
 */
export const CONVERSATION_LIST_SLACK_MS = 6 * 60 * 60 * 1000;
