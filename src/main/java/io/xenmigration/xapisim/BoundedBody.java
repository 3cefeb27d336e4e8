package io.xenmigration.xapisim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request body up to a limit: a declared length over it (or none, where one is required) is
 * refused before a byte is read, and a body that grows past it (chunked, or longer than declared)
 * is cut off at the limit, so a client cannot make the simulator hold more than the limit in
 * memory.
 */
final class BoundedBody {

  /** How a refused body is answered: an HTTP status and why. */
  @FunctionalInterface
  interface Refusal {
    void refuse(HttpServerRequest request, int status, String reason);
  }

  /** The plain answer: the status alone, and the connection closed. */
  static final Refusal PLAIN =
      (request, status, reason) ->
          request
              .response()
              .setStatusCode(status)
              .putHeader("Connection", "close")
              .end()
              .onComplete(sent -> request.connection().close());

  private BoundedBody() {}

  /** Hands the whole body to {@code then}, or answers 413 (400 for a bad length) and closes. */
  static void read(HttpServerRequest request, long max, Consumer<Buffer> then) {
    read(request, max, false, PLAIN, then);
  }

  /**
   * Hands the whole body to {@code then}, or refuses it: 411 without a length when one is required,
   * 400 for a bad length, 413 over the limit.
   */
  static void read(
      HttpServerRequest request,
      long max,
      boolean lengthRequired,
      Refusal refusal,
      Consumer<Buffer> then) {
    String declared = request.getHeader("Content-Length");
    if (declared == null && lengthRequired) {
      refusal.refuse(request, 411, "We require a content-length: HTTP header");
      return;
    }
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        refusal.refuse(request, 400, "a bad content-length");
        return;
      }
      if (length > max) {
        refusal.refuse(request, 413, "Client_requested_size_over_limit");
        return;
      }
    }
    if (request.isEnded()) {
      // Read already (an HTTP/2 upgrade carries its body with the request): it was within the
      // declared length checked above.
      request
          .body()
          .onSuccess(then::accept)
          .onFailure(e -> refusal.refuse(request, 400, String.valueOf(e)));
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] done = {false};
    request.handler(
        chunk -> {
          if (done[0]) {
            return;
          }
          if (body.length() + chunk.length() > max) {
            done[0] = true;
            refusal.refuse(request, 413, "Client_requested_size_over_limit");
            return;
          }
          body.appendBuffer(chunk);
        });
    request.exceptionHandler(
        e -> {
          if (!done[0]) {
            done[0] = true;
            refusal.refuse(request, 400, String.valueOf(e));
          }
        });
    request.endHandler(
        end -> {
          if (!done[0]) {
            done[0] = true;
            then.accept(body);
          }
        });
  }
}
