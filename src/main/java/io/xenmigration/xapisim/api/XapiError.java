package io.xenmigration.xapisim.api;

import java.util.ArrayList;
import java.util.List;

/** A XenAPI failure: the error code and its parameters, all strings, as on the wire. */
public final class XapiError extends RuntimeException {

  private final List<String> description;

  public XapiError(String code, Object... params) {
    super(code, null, false, false);
    List<String> all = new ArrayList<>(params.length + 1);
    all.add(code);
    for (Object param : params) {
      all.add(String.valueOf(param));
    }
    this.description = List.copyOf(all);
  }

  /** {@code [code, params...]}. */
  public List<String> description() {
    return description;
  }

  /** The error code, such as {@code VM_BAD_POWER_STATE}. */
  public String code() {
    return description.get(0);
  }

  @Override
  public String getMessage() {
    return String.join(" ", description);
  }
}
