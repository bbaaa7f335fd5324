/** A channel or the SMTP server is configured so that nothing can be sent (a named secret is unset, …). */
export class ChannelConfigError extends Error {
  override readonly name = 'ChannelConfigError';
}
