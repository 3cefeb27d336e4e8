package io.xenmigration.xapisim.api;

/** Dotted version numbers as xapi compares them: part by part, numerically, missing parts 0. */
public final class Versions {

  private Versions() {}

  /** Negative, zero or positive as {@code a} is older than, the same as or newer than {@code b}. */
  public static int compare(String a, String b) {
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

  /** A part's leading digits: {@code 32-1} and {@code 32} both count as 32. */
  private static int number(String part) {
    int end = 0;
    while (end < part.length() && Character.isDigit(part.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(part.substring(0, end));
  }
}
