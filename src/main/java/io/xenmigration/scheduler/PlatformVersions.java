package io.xenmigration.scheduler;

/** Compares dotted platform versions such as {@code 3.2.1}, number by number. */
final class PlatformVersions {

  private PlatformVersions() {}

  /** Negative when {@code a} is older than {@code b}; a missing part counts as 0. */
  static int compare(String a, String b) {
    String[] left = a.split("\\.");
    String[] right = b.split("\\.");
    for (int i = 0; i < Math.max(left.length, right.length); i++) {
      int l = i < left.length ? number(left[i]) : 0;
      int r = i < right.length ? number(right[i]) : 0;
      if (l != r) {
        return Integer.compare(l, r);
      }
    }
    return 0;
  }

  /** The leading digits of a part; {@code 2-beta} counts as 2, a part without digits as 0. */
  private static int number(String part) {
    int end = 0;
    while (end < part.length() && Character.isDigit(part.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(part.substring(0, Math.min(end, 9)));
  }
}
