package io.plasmite.bench;

import java.util.List;

/** The benchmark messages, shared by every benchmark and by the side-by-side suite. */
public final class Messages {
  /** An event of 133 UTF-8 bytes: strings, a long, a small nested object, a bool and a double. */
  public static final String SMALL =
      "{\"id\":\"evt_01J2Z8K4QF\",\"user\":\"alice\",\"action\":\"checkout\","
          + "\"ts\":1718035200123,\"cart\":{\"items\":3,\"total\":59.97},\"ok\":true,"
          + "\"score\":0.25}";

  /**
   * An order of 1066 UTF-8 bytes: nested objects three levels deep, an array of objects holding
   * arrays, non-ASCII strings, longs, doubles (one negative), bools and a null.
   */
  public static final String ONE_KB =
      "{\"id\":\"ord-000042\",\"type\":\"order.created\",\"ts\":1718035200123,\"version\":3,"
          + "\"customer\":{\"id\":981273,\"name\":\"Zoë Müller\","
          + "\"email\":\"zoe.mueller@example.org\",\"vip\":true,\"tier\":\"gold\","
          + "\"address\":{\"street\":\"Hauptstraße 12\",\"city\":\"Zürich\",\"zip\":\"8001\","
          + "\"country\":\"CH\"}},"
          + "\"items\":["
          + "{\"sku\":\"A-1001\",\"name\":\"Ceramic mug, 350 ml\",\"qty\":2,\"price\":12.5,"
          + "\"tags\":[\"kitchen\",\"gift\"]},"
          + "{\"sku\":\"B-2040\",\"name\":\"Coffee filters (100 pcs)\",\"qty\":1,\"price\":4.99,"
          + "\"tags\":[\"coffee\"]},"
          + "{\"sku\":\"C-3311\",\"name\":\"Coffee beans, Ethiopia 250 g\",\"qty\":3,"
          + "\"price\":14.25,\"tags\":[\"coffee\",\"organic\"]},"
          + "{\"sku\":\"D-0007\",\"name\":\"Scale\",\"qty\":1,\"price\":29.9,\"tags\":[]}"
          + "],"
          + "\"totals\":{\"subtotal\":114.14,\"shipping\":5.0,\"tax\":9.13,\"discount\":-10.0,"
          + "\"grand\":118.27,\"currency\":\"CHF\"},"
          + "\"payment\":{\"method\":\"card\",\"brand\":\"visa\",\"last4\":\"4242\","
          + "\"authorized\":true,\"captured\":false},"
          + "\"shipping\":{\"carrier\":\"post-ch\",\"eta_days\":2,\"tracking\":null,"
          + "\"signature\":false},"
          + "\"flags\":{\"gift\":true,\"fraud_score\":0.0312,\"bucket\":17},"
          + "\"history\":[{\"at\":1718035100000,\"state\":\"cart\"},"
          + "{\"at\":1718035200123,\"state\":\"placed\"}],"
          + "\"note\":\"Leave at door.\"}";

  /** The tags every benchmark message carries. */
  public static final List<String> TAGS = List.of("bench");

  private Messages() {}

  /**
   * The JSON text of a message size.
   *
   * @param message {@code small} (~130 bytes) or {@code 1k} (~1 KB)
   * @return the JSON text
   * @throws IllegalArgumentException for another name
   */
  public static String json(String message) {
    return switch (message) {
      case "small" -> SMALL;
      case "1k" -> ONE_KB;
      default -> throw new IllegalArgumentException("unknown message: " + message);
    };
  }
}
