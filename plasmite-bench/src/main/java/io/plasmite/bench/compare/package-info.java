/**
 * Side-by-side benchmarks: the same lanes for plasmite ("ours"), Chronicle Queue and a raw floor
 * (plain copies into a mapped file, no format), run in one command ({@code bench/run --compare}) by
 * {@link io.plasmite.bench.compare.Compare}. Chronicle's classes are loaded only in JVMs started
 * with {@link io.plasmite.bench.compare.ChronicleQueues#JVM_FLAGS}; ours and the floor run without
 * them.
 */
package io.plasmite.bench.compare;
