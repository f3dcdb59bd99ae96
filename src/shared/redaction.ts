// The keys whose values are secrets wherever they appear: every logger redacts them and the audit
// log refuses them. One list for the desktop core and the relay server.
export const redactedKeys = [
  'consumerKey',
  'consumerSecret',
  'initiatorPassword',
  'passkey',
  'password',
  'Password',
  'SecurityCredential',
  'securityCredential',
  'access_token',
  'accessToken',
  'token',
  'authorization',
  'Authorization',
  'relayToken',
  'pullToken',
  'privateKey',
  'secret',
];

/** pino redaction paths for the keys above, at the top level and two levels down. */
export const redactionPaths = redactedKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
