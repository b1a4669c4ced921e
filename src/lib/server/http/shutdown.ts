/** Set by server.js when a shutdown begins: /readyz then says 503 so the load balancer stops sending. */
export function isDraining(): boolean {
	const state = (globalThis as Record<symbol, { draining?: boolean } | undefined>)[Symbol.for('opsmaturity.shutdown')];
	return state?.draining === true;
}
