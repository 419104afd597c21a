package io.plasmite.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The wake file of a pool ({@code /dev/shm/plasmite-<hash>.wake}): one page of shared memory that
 * lets writers wake sleeping readers across processes ({@code pool-format-v3.md} §8 leaves the
 * mechanism to each implementation; the pool file itself is never touched). Only this project's
 * processes use it, all on one machine, so its words are in native byte order.
 *
 * <pre>
 *  0            4            8                 64                          64+4*SLOT_COUNT   4096
 *  +------------+------------+-----------------+------+------+-----+------+-----------------+
 *  | u32 wake   | u32 total  |   (reserved)    | u32  | u32  | ... | u32  |   (reserved)    |
 *  |  counter   |  sleepers  |                 | slot0| slot1|     |      |                 |
 *  +------------+------------+-----------------+------+------+-----+------+-----------------+
 * </pre>
 *
 * <ul>
 *   <li><b>wake counter</b>: bumped by a writer before it wakes; readers sleep on it with {@code
 *       futex}.
 *   <li><b>total sleepers</b>: how many readers are registered as asleep; a writer makes the wake
 *       call only when it is above zero.
 *   <li><b>slot i</b>: how many of the total belong to the open channel that owns slot {@code i}. A
 *       channel owns a slot while it holds an open-file-description {@code fcntl} write lock on
 *       that slot's four bytes. The kernel drops the lock when the owner's process dies, so a slot
 *       with sleepers and no lock holder is what a killed reader left behind: whoever locks it may
 *       take its count back out of the total.
 * </ul>
 *
 * <p>Files written by earlier builds are 64 bytes long (the two words only); an opener grows them
 * to {@link #FILE_BYTES}.
 */
public final class WakeFileDescriptor {
  /** Size of a wake file. */
  public static final int FILE_BYTES = 4096;

  /** Number of sleeper slots: channels beyond it register in the total only. */
  public static final int SLOT_COUNT = 992;

  /** Bytes per slot, which is also the length of the lock range that owns it. */
  public static final int SLOT_BYTES = 4;

  private static final long WAKE_COUNTER_OFFSET = 0;
  private static final long SLEEPERS_OFFSET = 4;
  private static final long SLOTS_OFFSET = 64;
  private static final VarHandle U32 =
      ValueLayout.JAVA_INT.withOrder(ByteOrder.nativeOrder()).varHandle();

  private WakeFileDescriptor() {}

  /**
   * The file offset of a slot, also the start of the byte range whose lock owns it.
   *
   * @param slot 0 to {@link #SLOT_COUNT} - 1
   * @return its offset
   */
  public static long slotOffset(int slot) {
    return SLOTS_OFFSET + (long) slot * SLOT_BYTES;
  }

  /**
   * Reads the wake counter with acquire semantics.
   *
   * @param words the mapped wake file
   * @return the counter
   */
  public static int wakeCounter(MemorySegment words) {
    return (int) U32.getVolatile(words, WAKE_COUNTER_OFFSET);
  }

  /**
   * Bumps the wake counter atomically.
   *
   * @param words the mapped wake file
   */
  public static void bumpWakeCounter(MemorySegment words) {
    U32.getAndAdd(words, WAKE_COUNTER_OFFSET, 1);
  }

  /**
   * Reads the total of registered sleepers with acquire semantics.
   *
   * @param words the mapped wake file
   * @return the total
   */
  public static int sleepers(MemorySegment words) {
    return (int) U32.getVolatile(words, SLEEPERS_OFFSET);
  }

  /**
   * Adds to the total of registered sleepers atomically.
   *
   * @param words the mapped wake file
   * @param delta +1 to register, -1 to leave, or minus a dead owner's count
   */
  public static void addSleepers(MemorySegment words, int delta) {
    U32.getAndAdd(words, SLEEPERS_OFFSET, delta);
  }

  /**
   * Reads a slot's sleeper count with acquire semantics.
   *
   * @param words the mapped wake file
   * @param slot the slot
   * @return its count
   */
  public static int slotSleepers(MemorySegment words, int slot) {
    return (int) U32.getVolatile(words, slotOffset(slot));
  }

  /**
   * Adds to a slot's sleeper count atomically.
   *
   * @param words the mapped wake file
   * @param slot the slot
   * @param delta +1 or -1
   */
  public static void addSlotSleepers(MemorySegment words, int slot, int delta) {
    U32.getAndAdd(words, slotOffset(slot), delta);
  }

  /**
   * Empties a slot atomically.
   *
   * @param words the mapped wake file
   * @param slot the slot
   * @return the count it held
   */
  public static int takeSlotSleepers(MemorySegment words, int slot) {
    return (int) U32.getAndSet(words, slotOffset(slot), 0);
  }
}
