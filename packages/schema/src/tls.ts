import { z } from 'zod';

/** An RFC 4514 distinguished name such as `CN=gw-p02,O=Plant 2,C=DE`, or just `CN=gw-p02`. */
const DistinguishedNameSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z][A-Za-z0-9.-]*=(?:[^,\\]|\\.)+(?:\s*,\s*[A-Za-z][A-Za-z0-9.-]*=(?:[^,\\]|\\.)+)*$/,
    'expected a subject like "CN=gw-p02" or "CN=gw-p02,O=Plant 2,C=DE"',
  );

/**
 * TLS of one listener: PEM files, re-read without a restart when they change. `clientCertificates`
 * asks plant gateways for a certificate signed by `ca` (mTLS): `optional` accepts connections
 * without one (they authenticate with a token), `required` refuses them in the handshake.
 */
export const TlsConfigSchema = z
  .object({
    /** Certificate chain (PEM): the listener's certificate first, then intermediates. */
    cert: z.string().min(1),
    /** Private key of the certificate (PEM, unencrypted). */
    key: z.string().min(1),
    /** CA certificates (PEM) client certificates are verified against. */
    ca: z.string().min(1).optional(),
    clientCertificates: z.enum(['off', 'optional', 'required']).default('off'),
  })
  .superRefine((t, ctx) => {
    if (t.clientCertificates !== 'off' && !t.ca)
      ctx.addIssue({
        code: 'custom',
        path: ['ca'],
        message: `required when clientCertificates is ${t.clientCertificates} (client certificates are verified against it)`,
      });
  });
export type TlsConfig = z.infer<typeof TlsConfigSchema>;
export type TlsConfigInput = z.input<typeof TlsConfigSchema>;

/**
 * A verified client certificate standing for a principal. A subject of only `CN=…` matches any
 * certificate with that common name; a longer one must equal the certificate's whole subject.
 */
export const ClientCertificateMappingSchema = z.object({
  subject: DistinguishedNameSchema,
  /** The service account (name or id) the certificate authenticates as. */
  principal: z.string().min(1),
});
export type ClientCertificateMapping = z.infer<typeof ClientCertificateMappingSchema>;

/** The list of `auth.clientCertificates`; a subject appears once. */
export const ClientCertificateMappingsSchema = z
  .array(ClientCertificateMappingSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((m, i) => {
      // Attribute types are case-insensitive (RFC 4514), values are compared as written.
      const key = m.subject
        .replace(/\s*,\s*/g, ',')
        .replace(/(^|,)([A-Za-z0-9.-]+)=/g, (_, sep: string, type: string) => `${sep}${type.toUpperCase()}=`);
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: [i, 'subject'], message: `duplicate subject "${m.subject}"` });
      seen.add(key);
    });
  });
