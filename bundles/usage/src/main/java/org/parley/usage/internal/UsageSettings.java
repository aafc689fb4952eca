package org.parley.usage.internal;

/** The checked configuration; a value out of range is refused with its key named. */
record UsageSettings(int sampleSeconds, int historyHours, int weeksKept) {
    static final UsageSettings DEFAULTS = new UsageSettings(10, 6, 156);

    static UsageSettings from(UsageConfig config) {
        return new UsageSettings(range("sampleSeconds", config.sampleSeconds(), 1, 3600),
                range("historyHours", config.historyHours(), 1, 168),
                range("weeksKept", config.weeksKept(), 1, 1040));
    }

    private static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("key '" + key + "': " + value + " is not between " + min + " and " + max);
        }
        return value;
    }

    /** Samples the history holds: the hours kept at one sample per interval. */
    int historySamples() {
        return Math.max(1, historyHours * 3600 / sampleSeconds);
    }
}
