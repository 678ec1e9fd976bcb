/** Stable codes of the proxy's warnings (the `code` `process.emitWarning` gets by default). */
export const ProxyWarningCode = {
  /** A toxicity outside 0..1, which Toxiproxy 2.12 accepts. */
  TOXICITY: 'STORMWATCH_PROXY_TOXICITY',
  /** Toxic attributes Toxiproxy 2.12 accepts but that are likely a mistake. */
  ATTRIBUTES: 'STORMWATCH_PROXY_ATTRIBUTES',
  /** A proxy without `listen`: bound to loopback, where Toxiproxy binds every interface. */
  LISTEN: 'STORMWATCH_PROXY_LISTEN',
} as const;

/** One of {@link ProxyWarningCode}. */
export type ProxyWarningCodeValue = (typeof ProxyWarningCode)[keyof typeof ProxyWarningCode];

/** A one-line warning about a request the proxy accepted. */
export interface ProxyWarning {
  readonly code: ProxyWarningCodeValue;
  readonly message: string;
}

/** Receives every warning of one server. */
export type WarningSink = (warning: ProxyWarning) => void;

/**
 * Routes warnings to `onWarning` (the message only) or, without one, to `process.emitWarning`
 * with the warning's code.
 */
export function createWarningSink(onWarning?: (message: string) => void): WarningSink {
  if (onWarning !== undefined) return ({ message }) => onWarning(message);
  return ({ code, message }) => process.emitWarning(message, { code });
}
