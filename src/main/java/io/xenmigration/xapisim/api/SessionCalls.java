package io.xenmigration.xapisim.api;

import io.xenmigration.xapisim.model.SimPool;
import io.xenmigration.xapisim.model.SimSession;

/** Login and logout, and the calls the SDK makes while logging in. */
final class SessionCalls {

  private SessionCalls() {}

  static void register(Dispatcher dispatcher) {
    // login_with_password(uname, pwd[, version[, originator]]): xapi's optional trailing params.
    dispatcher.addWithoutSession("session.login_with_password", 2, 2, SessionCalls::login);
    dispatcher.add("session.logout", 0, 0, false, c -> logout(c));
    // The SDK passes the session twice: once to authenticate, once as the object asked about.
    dispatcher.add("session.get_this_host", 1, 0, false, c -> c.pool.master.ref);
    dispatcher.add("session.get_uuid", 1, 0, false, c -> c.session.uuid);
    dispatcher.add("session.get_record", 1, 0, false, c -> c.session.record());
  }

  private static Object login(CallContext context) {
    SimPool pool = context.pool;
    String username = context.string(0);
    if (!username.equals(pool.username) || !context.string(1).equals(pool.password)) {
      throw new XapiError("SESSION_AUTHENTICATION_FAILED", username, "Authentication failure");
    }
    String originator = context.args.size() > 3 ? context.string(3) : "";
    SimSession session = pool.register(new SimSession(pool, username, context.now(), originator));
    return session.ref;
  }

  private static Object logout(CallContext context) {
    context.session.valid = false;
    context.pool.unregister(context.session);
    context.pool.events.wake(); // calls waiting on this session's events end with SESSION_INVALID
    return "";
  }
}
