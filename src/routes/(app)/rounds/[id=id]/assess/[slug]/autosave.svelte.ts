import { deserialize } from '$app/forms';

const SAVE_TIMEOUT_MS = 15_000;

export type SaveStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'error' | 'conflict';

/**
 * Saves the scoring form through its `save` action shortly after each change, one request at
 * a time so every save carries the version the previous one returned. A stale version (another
 * tab saved in between) stops autosaving until the user reloads: nothing is overwritten.
 */
export class Autosaver {
	status = $state<SaveStatus>('idle');
	message = $state('');
	errors = $state<Record<string, string>>({});
	savedAt = $state<Date | null>(null);
	version = $state(0);
	/** Round-trip of the last successful save, in ms; shown to nobody, read by benchmarks. */
	lastRoundTrip = $state(0);

	#form: () => HTMLFormElement | undefined;
	#delay: number;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#inFlight: Promise<void> | null = null;
	#dirty = false;

	constructor(form: () => HTMLFormElement | undefined, version: number, delay = 400) {
		this.#form = form;
		this.version = version;
		this.#delay = delay;
	}

	get unsaved() {
		return this.status === 'pending' || this.status === 'saving' || this.status === 'error';
	}

	schedule(delay = this.#delay) {
		if (this.status === 'conflict') return;
		this.#dirty = true;
		this.status = 'pending';
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.flush(), delay);
	}

	/**
	 * Saves what changed and resolves only once nothing is left to send: a save already under way
	 * is waited for, and the form is sent again after it if it changed meanwhile. A submit relies
	 * on this to carry the newest version, so no caller returns while a save is still in flight.
	 * After a failed save it sends again (Retry), but never loops on a failure.
	 */
	async flush(): Promise<void> {
		clearTimeout(this.#timer);
		while (this.status !== 'conflict') {
			if (this.#inFlight) {
				await this.#inFlight;
				if (this.status === 'error') return;
				continue;
			}
			if (!this.#dirty && this.status !== 'error') return;
			this.#dirty = false;
			this.#inFlight = this.#send().finally(() => (this.#inFlight = null));
		}
	}

	/** A submit refused as stale: the answers changed elsewhere, so saving stops here as it does for a stale save. */
	conflict(message: string) {
		clearTimeout(this.#timer);
		this.status = 'conflict';
		this.message = message;
	}

	/** Takes the version a refused submit stored (an incomplete submit still saves the answers). */
	adopt(version: number) {
		if (Number.isSafeInteger(version) && version > this.version) this.version = version;
	}

	async #send() {
		const form = this.#form();
		if (!form) return;
		this.status = 'saving';
		const body = new FormData(form);
		body.set('version', String(this.version));
		const started = performance.now();
		try {
			const res = await fetch(`${location.pathname}?/save`, {
				method: 'POST',
				body,
				headers: { 'x-sveltekit-action': 'true', accept: 'application/json' },
				// A stalled connection must end as an error (Retry), or a submit waiting on this save would wait forever.
				signal: AbortSignal.timeout(SAVE_TIMEOUT_MS)
			});
			const result = deserialize(await res.text());
			if (result.type === 'success' && result.data) {
				this.version = Number(result.data.version);
				this.status = 'saved';
				this.errors = {};
				this.message = '';
				// A fresh Date replaces the old one; nothing mutates it, so a plain Date is enough.
				// eslint-disable-next-line svelte/prefer-svelte-reactivity
				this.savedAt = new Date();
				this.lastRoundTrip = performance.now() - started;
			} else if (result.type === 'failure') {
				const data = (result.data ?? {}) as { stale?: boolean; errors?: Record<string, string> };
				this.status = data.stale ? 'conflict' : 'error';
				this.errors = data.errors ?? {};
				this.message = data.errors?.form ?? 'Some answers need fixing before they can be saved.';
			} else {
				this.status = 'error';
				this.message = 'The server could not save your answers. They are still on this page; try again.';
			}
		} catch {
			this.status = 'error';
			this.message = 'Could not reach the server. Your answers are still on this page and will be saved when you retry.';
		}
	}
}
