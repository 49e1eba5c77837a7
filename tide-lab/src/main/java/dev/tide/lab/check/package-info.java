/**
 * Histories of client operations and the checkers that judge them (the lab's part 2, see
 * {@code docs/lab-chaos.md}).
 *
 * <p>A {@link dev.tide.lab.check.History} is what the workload clients recorded during a chaos
 * run: one {@link dev.tide.lab.check.Op} per client operation, with the times it was invoked and
 * completed and its {@link dev.tide.lab.check.Outcome} (ok, fail, or unknown when the client lost
 * the reply). It is written to disk as JSON lines ({@link dev.tide.lab.check.HistoryFile}) and
 * read back for checking, so a run can be re-checked later.
 *
 * <p>Checkers, one per workload, each pure (no clock read inside: the time budget comes in as
 * a {@link dev.tide.lab.check.Budget}):
 * <ul>
 *   <li>{@link dev.tide.lab.check.RegisterChecker}: linearizability of read/write/compare-and-set
 *       registers, per key, by Wing and Gong's search with Lowe's memoisation (as Porcupine).</li>
 *   <li>{@link dev.tide.lab.check.ListAppendChecker}: lost, duplicated, phantom and reordered
 *       list elements, and dependency cycles between transactions (G0, G1c, G-single, G2).</li>
 *   <li>{@link dev.tide.lab.check.CounterChecker}: every counter value between what was
 *       acknowledged and what was attempted.</li>
 *   <li>{@link dev.tide.lab.check.BankChecker}: the sum of all accounts never changes and no
 *       balance goes negative.</li>
 * </ul>
 * A checker that runs out of its budget answers {@link dev.tide.lab.check.Verdict#UNKNOWN},
 * never {@link dev.tide.lab.check.Verdict#VALID}.
 */
package dev.tide.lab.check;
