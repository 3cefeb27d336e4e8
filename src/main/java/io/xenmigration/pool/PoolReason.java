package io.xenmigration.pool;

/** Why a XenPool is or is not Ready: the reasons of its {@code Ready} condition. */
public enum PoolReason {
  /** Logged in and the inventory is current. */
  Connected,
  /** Logged in through the master after the configured URL turned out to be a pool member. */
  FollowedToMaster,
  /**
   * The credentials or CA Secret is missing or lacks the label the operator reads, or a key in it
   * is missing.
   */
  SecretNotFound,
  /** The credentials Secret does not list spec.url among the URLs it may be used with. */
  SecretNotBound,
  /** An http:// URL or insecureSkipTlsVerify, and the operator was not installed to allow them. */
  InsecureRefused,
  /** spec.url is not a usable URL (one with user information, say). */
  InvalidURL,
  /** The pool refused the user name or password. */
  AuthenticationFailed,
  /** The pool's TLS certificate is not trusted. */
  TLSVerificationFailed,
  /** The pool master could not be reached or did not answer in time. */
  Unreachable,
  /** The URL points at a pool member and the master could not be followed. */
  NotMaster,
  /** The pool answered with an error the operator did not expect. */
  XenAPIError
}
