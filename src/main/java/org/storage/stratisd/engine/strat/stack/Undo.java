package org.storage.stratisd.engine.strat.stack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What an operation on real devices has done so far, so that a failure part-way undoes it: each
 * step that creates something registers how to remove it; on failure the steps are undone newest
 * first, and what could not be undone is reported with the error. Confined to the thread running
 * the operation.
 */
public final class Undo {

    /** One way back. */
    @FunctionalInterface
    public interface Step {
        /**
         * Undoes one thing.
         *
         * @throws Exception if it cannot be undone
         */
        void run() throws Exception;
    }

    private record Entry(String what, Step step) {
    }

    private final Deque<Entry> steps = new ArrayDeque<>();

    /**
     * Registers how to undo something just done.
     *
     * @param what what it undoes, for the report (e.g. {@code remove device-mapper device X})
     * @param step the undoing
     */
    public void push(String what, Step step) {
        steps.push(new Entry(what, step));
    }

    /** The operation succeeded: nothing is to be undone. */
    public void commit() {
        steps.clear();
    }

    /**
     * Undoes every registered step, newest first, continuing past failures.
     *
     * @return a sentence for the error message: what was undone, and what could not be
     */
    public String rollBack() {
        List<String> failed = new ArrayList<>();
        int undone = 0;
        while (!steps.isEmpty()) {
            Entry e = steps.pop();
            try {
                e.step().run();
                undone++;
            } catch (Exception ex) {
                failed.add(e.what() + " (" + ex.getMessage() + ")");
            }
        }
        if (failed.isEmpty()) {
            return undone == 0 ? "" : "; what was set up was undone";
        }
        return "; could not undo: " + String.join("; ", failed);
    }
}
