package io.plasmite.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** This process's mappings of one file, as {@code /proc/self/smaps} describes them (Linux). */
final class ProcSmaps {
  // A mapping's first line: "start-end perms offset dev inode [path]".
  private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

  private ProcSmaps() {}

  /**
   * The lines that follow the first line of each mapping of the file with {@code inode} (a mapping
   * may carry the name the file was created under, so it is found by inode).
   */
  static List<List<String>> mappingsOf(long inode) throws IOException {
    List<List<String>> out = new ArrayList<>();
    List<String> current = null;
    for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
      if (MAPPING.matcher(line).lookingAt()) {
        String[] fields = line.trim().split("\\s+");
        current =
            fields.length >= 5 && fields[4].equals(Long.toString(inode)) ? new ArrayList<>() : null;
        if (current != null) {
          out.add(current);
        }
      } else if (current != null) {
        current.add(line);
      }
    }
    return out;
  }

  /** The inode of a file, to find its mappings. */
  static long inode(Path file) throws IOException {
    return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
  }
}
