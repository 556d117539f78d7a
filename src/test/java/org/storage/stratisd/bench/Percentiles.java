package org.storage.stratisd.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/** The benchmarks' shared arithmetic: nearest-rank percentiles and milliseconds as reported. */
final class Percentiles {

    private Percentiles() {
    }

    /**
     * The nearest-rank percentile of sorted samples (the same rule as {@code bench/c/loadgen.c}).
     *
     * @param sorted the samples, ascending
     * @param p      the fraction, e.g. 0.99
     * @return the sample at that rank, 0 when there are none
     */
    static double of(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)));
    }

    /**
     * A figure with three decimals, as the reports write it.
     *
     * @param value the figure
     * @return the rounded number (written as it prints)
     */
    static BigDecimal figure(double value) {
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP);
    }

    /**
     * A number read back from a report or from the load driver's output.
     *
     * @param value the parsed JSON value
     * @return it as a double
     */
    static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
