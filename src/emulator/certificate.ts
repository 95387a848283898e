import {generateKeyPairSync, randomBytes, sign, X509Certificate} from 'node:crypto';

export interface EmulatorCertificate {
	/** PEM of the self-signed server certificate; clients trust it by passing it as `ca`. */
	certPem: string;
	/** PEM (PKCS#8) private key. Kept in memory only, never written to disk. */
	keyPem: string;
	fingerprint: string;
}

// A few DER (X.690) encoders: all a self-signed X.509 v3 certificate needs. node:crypto makes the
// key and the signature; a certificate library would cost start-up time and dependencies.

function length(size: number): Buffer {
	if (size < 0x80) return Buffer.from([size]);
	const bytes: number[] = [];
	for (let rest = size; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
	return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
	const body = Buffer.concat(content);
	return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const octets = (value: Buffer) => tlv(0x04, value);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const bitString = (value: Buffer) => tlv(0x03, Buffer.from([0]), value);
const explicit = (tagNumber: number, inner: Buffer) => tlv(0xa0 | tagNumber, inner);

function integer(value: Buffer): Buffer {
	// DER: the shortest form. No leading zero bytes, but a positive number whose high bit is set
	// gets one (a random serial may start with 0x00: "illegal padding" to OpenSSL otherwise).
	let start = 0;
	while (start < value.length - 1 && value[start] === 0) start++;
	const digits = value.subarray(start);
	return tlv(0x02, digits[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), digits]) : digits);
}

function oid(dotted: string): Buffer {
	const [first, second, ...rest] = dotted.split('.').map(Number);
	const bytes = [40 * first! + second!];
	for (const arc of rest) {
		const chunk = [arc & 0x7f];
		for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
		bytes.push(...chunk);
	}
	return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
	const iso = date.toISOString(); // 2026-11-23T21:00:00.000Z
	return tlv(0x17, Buffer.from(`${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`, 'ascii'));
}

function name(commonName: string, organization: string): Buffer {
	return sequence(set(sequence(oid('2.5.4.10'), utf8(organization))), set(sequence(oid('2.5.4.3'), utf8(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
	return sequence(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), octets(value));
}

/**
 * Makes a fresh self-signed certificate for the emulator's TLS listener.
 * EC P-256 keeps generation in the low milliseconds (RSA-2048 would take far longer).
 * Subject CN=127.0.0.1 with SANs IP:127.0.0.1 and DNS:localhost, serverAuth EKU.
 */
export async function createEmulatorCertificate(): Promise<EmulatorCertificate> {
	const {publicKey, privateKey} = generateKeyPairSync('ec', {namedCurve: 'P-256'});
	const now = Date.now();
	const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
	const subject = name('127.0.0.1', 'aml-identity ARM emulator');
	const serial = randomBytes(16);
	serial[0]! &= 0x7f;
	const tbs = sequence(
		explicit(0, integer(Buffer.from([2]))), // v3
		integer(serial),
		ecdsaWithSha256,
		subject,
		// Tolerate small clock skew between processes; short-lived, a new one is made at every start.
		sequence(utcTime(new Date(now - 60 * 60 * 1000)), utcTime(new Date(now + 30 * 24 * 60 * 60 * 1000))),
		subject,
		publicKey.export({type: 'spki', format: 'der'}),
		explicit(
			3,
			sequence(
				extension('2.5.29.19', true, sequence()), // basicConstraints: not a CA
				extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x07, 0x80]))), // keyUsage: digitalSignature
				extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
				extension('2.5.29.17', false, sequence(tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x82, Buffer.from('localhost', 'ascii')))),
			),
		),
	);
	const certificate = sequence(tbs, ecdsaWithSha256, bitString(sign('sha256', tbs, privateKey)));
	const certPem = `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
	return {
		certPem,
		keyPem: privateKey.export({type: 'pkcs8', format: 'pem'}) as string,
		fingerprint: new X509Certificate(certPem).fingerprint,
	};
}
