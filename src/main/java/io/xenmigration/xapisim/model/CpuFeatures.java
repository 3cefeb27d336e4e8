package io.xenmigration.xapisim.model;

import java.util.regex.Pattern;

/**
 * CPU feature sets as xapi writes them ({@code cpuid.ml}): 32-bit words in hex, {@code %08x},
 * joined by dashes. A VM may move to a host whose set holds every feature of the set it last booted
 * with, the shorter set padded with zeros ({@code HOST.is_compatible}'s subset rule).
 */
public final class CpuFeatures {

  /** A recent Intel server's set as XCP-ng 8.2 reports it for HVM guests. */
  public static final String INTEL_DEFAULT =
      "1fcbfbff-f7fa3223-2d93fbff-00000123-00000001-000007ab-00000000-00000000-00001000-"
          + "bc000400-00000000-00000000-00000000-00000000-00000000";

  private static final Pattern FORM = Pattern.compile("[0-9a-fA-F]{1,8}(-[0-9a-fA-F]{1,8})*");

  private CpuFeatures() {}

  /** Whether a text is a feature set in xapi's form. */
  public static boolean valid(String features) {
    return features != null && FORM.matcher(features).matches();
  }

  private static long[] words(String features) {
    String[] parts = features.split("-");
    long[] words = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      words[i] = Long.parseLong(parts[i], 16);
    }
    return words;
  }

  /** Whether every feature of {@code vm} is in {@code host}. */
  public static boolean compatible(String vm, String host) {
    long[] need = words(vm);
    long[] have = words(host);
    for (int i = 0; i < need.length; i++) {
      long offered = i < have.length ? have[i] : 0;
      if ((need[i] & ~offered) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The features of both sets: what a pool of the two offers for its next boots. */
  public static String intersection(String a, String b) {
    long[] x = words(a);
    long[] y = words(b);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      out.append(i == 0 ? "" : "-").append(String.format("%08x", x[i] & y[i]));
    }
    return out.toString();
  }
}
