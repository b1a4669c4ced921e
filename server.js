// Entry point of `npm start`. adapter-node assumes https when it cannot tell the public origin,
// which would make every form post on a plain http://localhost fail SvelteKit's CSRF check.
// Default the origin to the local address; deployments behind a proxy set ORIGIN themselves.
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) {
	process.env.ORIGIN = `http://localhost:${process.env.PORT || 3000}`;
}
await import('./build/index.js');
