package io.plasmite.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of the comparison: a lane's samples (one per JMH iteration or per harness run) for each
 * system, and the figures derived from them.
 */
final class Lane {
  final String id;
  final String title;
  final String unit;
  final boolean higherIsBetter;
  final Map<String, List<Double>> samples = new LinkedHashMap<>();
  String target;
  Boolean met;

  Lane(String id, String title, String unit, boolean higherIsBetter) {
    this.id = id;
    this.title = title;
    this.unit = unit;
    this.higherIsBetter = higherIsBetter;
  }

  void add(String system, double value) {
    samples.computeIfAbsent(system, k -> new ArrayList<>()).add(value);
  }

  boolean has(String system) {
    List<Double> s = samples.get(system);
    return s != null && !s.isEmpty();
  }

  double median(String system) {
    List<Double> s = new ArrayList<>(samples.get(system));
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  double min(String system) {
    return samples.get(system).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  double max(String system) {
    return samples.get(system).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** Median of ours over median of the other system, or NaN if either is missing. */
  double ratio(String other) {
    if (!has("ours") || !has(other) || median(other) == 0) {
      return Double.NaN;
    }
    return median("ours") / median(other);
  }
}
