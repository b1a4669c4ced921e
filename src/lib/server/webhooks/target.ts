import type { ClientRequest } from 'node:http';
import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may not point unless an admin allows it: this host, private networks, link-local
 * (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast and reserved ranges. A webhook
 * is a request the server makes on an admin's word; these would reach what only the server can.
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
	['0.0.0.0', 8],
	['10.0.0.0', 8],
	['100.64.0.0', 10],
	['127.0.0.0', 8],
	['169.254.0.0', 16],
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['224.0.0.0', 4],
	['240.0.0.0', 4]
] as const)
	PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
	['::', 128],
	['::1', 128],
	['fc00::', 7],
	['fe80::', 10],
	['ff00::', 8],
	['64:ff9b::', 96],
	['64:ff9b:1::', 48],
	// IPv4-compatible (::a.b.c.d), 6to4 and the old site-local range can all lead back inside.
	['::', 96],
	['2002::', 16],
	['fec0::', 10]
] as const)
	PRIVATE.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
	const family = isIP(address);
	if (family === 4) return PRIVATE.check(address, 'ipv4');
	if (family !== 6) return true;
	// An IPv4 address written as IPv6 (::ffff:127.0.0.1) is that IPv4 address.
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	return mapped ? PRIVATE.check(mapped[1], 'ipv4') : PRIVATE.check(address, 'ipv6');
}

/**
 * A DNS lookup for the connection itself that refuses private addresses: checking the name
 * before connecting would let DNS answer differently the second time (rebinding).
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
	return (hostname, options, callback) => {
		lookup(hostname, { ...options, all: true }, (error, addresses) => {
			if (error) return callback(error, '', 0);
			const list = addresses as { address: string; family: number }[];
			const refused = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
			if (refused)
				return callback(
					Object.assign(new Error(`${hostname} resolves to ${refused.address}, a private or loopback address`), { code: 'EPRIVATE' }),
					'',
					0
				);
			if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
			callback(null, list[0].address, list[0].family);
		});
	};
}

/** What is wrong with a webhook URL as typed, before any lookup: the scheme, credentials, a literal private address. */
export function urlProblem(raw: string, allowPrivate: boolean): string | null {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return 'Enter a full web address, such as https://hooks.example.com/opsmaturity.';
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The address must start with https:// (or http://).';
	if (url.username || url.password) return 'Put no user name or password in the address; the signature authenticates each delivery.';
	const host = url.hostname.replace(/^\[|\]$/g, '');
	if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host))))
		return 'This address is on this server or a private network. An admin can allow such targets below.';
	return null;
}

/** Ends a request with no answer within `ms`, whether its socket is silent or trickles, and reports its error as text. */
export function withDeadline(request: ClientRequest, ms: number, onError: (message: string) => void) {
	const late = () => request.destroy(new Error(`no answer within ${ms / 1000} s`));
	const deadline = setTimeout(late, ms);
	request.on('close', () => clearTimeout(deadline));
	request.on('timeout', late);
	request.on('error', (error) => onError(error.message));
}
