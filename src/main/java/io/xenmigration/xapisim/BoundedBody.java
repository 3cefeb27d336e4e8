package io.xenmigration.xapisim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request body up to a limit: a declared length over it is refused before a byte is read,
 * and a body that grows past it (chunked, or longer than declared) is cut off at the limit, so a
 * client cannot make the simulator hold more than the limit in memory.
 */
final class BoundedBody {

  private BoundedBody() {}

  /** Hands the whole body to {@code then}, or answers 413 (400 for a bad length) and closes. */
  static void read(HttpServerRequest request, long max, Consumer<Buffer> then) {
    String declared = request.getHeader("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        refuse(request, 400);
        return;
      }
      if (length > max) {
        refuse(request, 413);
        return;
      }
    }
    if (request.isEnded()) {
      // Read already (an HTTP/2 upgrade carries its body with the request): it was within the
      // declared length checked above.
      request.body().onSuccess(then::accept).onFailure(e -> refuse(request, 400));
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
            refuse(request, 413);
            return;
          }
          body.appendBuffer(chunk);
        });
    request.exceptionHandler(
        e -> {
          if (!done[0]) {
            done[0] = true;
            refuse(request, 400);
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

  private static void refuse(HttpServerRequest request, int status) {
    request
        .response()
        .setStatusCode(status)
        .putHeader("Connection", "close")
        .end()
        .onComplete(sent -> request.connection().close());
  }
}
