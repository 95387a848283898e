import {X509Certificate} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {createEmulatorCertificate} from '../../src/emulator/certificate.js';

describe("the emulator's certificate", () => {
	it('is a self-signed serverAuth certificate for 127.0.0.1 and localhost', async () => {
		const {certPem, fingerprint} = await createEmulatorCertificate();
		const certificate = new X509Certificate(certPem);
		expect(certificate.subject).toContain('CN=127.0.0.1');
		expect(certificate.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
		expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
		expect(certificate.ca).toBe(false);
		expect(certificate.verify(certificate.publicKey)).toBe(true);
		expect(fingerprint).toBe(certificate.fingerprint);
	});

	it('is valid DER every time, whatever its random serial number (one in 128 starts with a zero byte)', async () => {
		for (let made = 0; made < 400; made++) {
			const {certPem} = await createEmulatorCertificate();
			expect(() => new X509Certificate(certPem)).not.toThrow();
		}
	});
});
