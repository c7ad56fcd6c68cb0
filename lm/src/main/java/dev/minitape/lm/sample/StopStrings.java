package dev.minitape.lm.sample;

import java.util.List;

/**
 * Cuts streamed text before the first of some stop strings. Text is fed piece by piece as it is generated;
 * {@link #feed} returns what can be shown now. A piece that might begin a stop string is held back until the
 * following pieces confirm or rule it out, so nothing of a stop string is ever shown; at most the longest stop
 * string's length minus one characters are held.
 */
public final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    public StopStrings(List<String> stops) {
        for (String s : stops) {
            if (s.isEmpty()) throw new IllegalArgumentException("sample: a --stop string must not be empty");
        }
        this.stops = List.copyOf(stops);
    }

    /** The text safe to show after this piece: up to the stop string once one has appeared, then nothing. */
    public String feed(String piece) {
        if (stopped) return "";
        held.append(piece);
        int stopAt = firstStop();
        if (stopAt >= 0) {
            stopped = true;
            String shown = held.substring(0, stopAt);
            held.setLength(0);
            return shown;
        }
        int keep = longestSuffixStartingAStop();
        String shown = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return shown;
    }

    /** Whether a stop string has appeared: generation can end. */
    public boolean stopped() {
        return stopped;
    }

    /** At the end of generation: the text held back, which no stop string completed. */
    public String rest() {
        String rest = held.toString();
        held.setLength(0);
        return rest;
    }

    private int firstStop() {
        int first = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    /** The length of the longest end of the held text that is the start of some stop string. */
    private int longestSuffixStartingAStop() {
        String text = held.toString();
        int longest = 0;
        for (String s : stops) {
            for (int n = Math.min(s.length() - 1, text.length()); n > longest; n--) {
                if (text.regionMatches(text.length() - n, s, 0, n)) {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }
}
