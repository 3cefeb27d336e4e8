package io.xenmigration.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Percentiles (nearest rank) and spread of a set of measurements. */
record Stats(int count, double p50, double p95, double p99, double min, double max) {

  static Stats of(Collection<? extends Number> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no measurements");
    }
    List<Double> sorted = new ArrayList<>(values.size());
    values.forEach(v -> sorted.add(v.doubleValue()));
    Collections.sort(sorted);
    return new Stats(
        sorted.size(),
        rank(sorted, 0.50),
        rank(sorted, 0.95),
        rank(sorted, 0.99),
        sorted.get(0),
        sorted.get(sorted.size() - 1));
  }

  /** The smallest value at least {@code share} of the values do not exceed. */
  static double rank(List<Double> sorted, double share) {
    int index = (int) Math.ceil(share * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** The median of a few repeats. */
  static double median(Collection<? extends Number> values) {
    return of(values).p50();
  }

  /** "median (min–max)" with the given format for each number. */
  String spread(String format) {
    return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", p50, min, max);
  }
}
