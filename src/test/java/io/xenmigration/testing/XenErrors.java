package io.xenmigration.testing;

import com.xensource.xenapi.Types;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns an SDK exception back into the wire's {@code [CODE, params...]} for assertions. */
public final class XenErrors {

  private XenErrors() {}

  /**
   * The error description. The SDK leaves {@code errorDescription} null on typed exceptions; the
   * code is then the class name in UPPER_SNAKE and the parameters are its public fields.
   */
  public static List<String> describe(Types.XenAPIException e) {
    if (e.errorDescription != null) {
      return List.of(e.errorDescription);
    }
    List<String> description = new ArrayList<>();
    description.add(code(e.getClass().getSimpleName()));
    for (Field field : e.getClass().getDeclaredFields()) {
      if (Modifier.isPublic(field.getModifiers()) && !Modifier.isStatic(field.getModifiers())) {
        try {
          description.add(String.valueOf(field.get(e)));
        } catch (IllegalAccessException impossible) {
          throw new IllegalStateException(impossible);
        }
      }
    }
    return description;
  }

  /** {@code VmBadPowerState} → {@code VM_BAD_POWER_STATE}. */
  static String code(String className) {
    return className.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }
}
