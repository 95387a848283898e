import {generate} from 'selfsigned';

export interface EmulatorCertificate {
	/** PEM of the self-signed server certificate; clients trust it by passing it as `ca`. */
	certPem: string;
	/** PEM (PKCS#8) private key. Kept in memory only, never written to disk. */
	keyPem: string;
	fingerprint: string;
}

/**
 * Makes a fresh self-signed certificate for the emulator's TLS listener.
 * EC P-256 keeps generation in the low milliseconds (RSA-2048 would take far longer).
 * Subject CN=127.0.0.1 with SANs IP:127.0.0.1 and DNS:localhost, serverAuth EKU.
 */
export async function createEmulatorCertificate(): Promise<EmulatorCertificate> {
	const now = Date.now();
	const pems = await generate([{name: 'commonName', value: '127.0.0.1'}, {name: 'organizationName', value: 'aml-identity ARM emulator'}], {
		keyType: 'ec',
		curve: 'P-256',
		algorithm: 'sha256',
		// Tolerate small clock skew between processes; short-lived, a new one is made at every start.
		notBeforeDate: new Date(now - 60 * 60 * 1000),
		notAfterDate: new Date(now + 30 * 24 * 60 * 60 * 1000),
		extensions: [
			{name: 'basicConstraints', cA: false, critical: true},
			{name: 'keyUsage', digitalSignature: true, critical: true},
			{name: 'extKeyUsage', serverAuth: true},
			{
				name: 'subjectAltName',
				altNames: [
					{type: 7, ip: '127.0.0.1'},
					{type: 2, value: 'localhost'},
				],
			},
		],
	});
	return {certPem: pems.cert, keyPem: pems.private, fingerprint: pems.fingerprint};
}
