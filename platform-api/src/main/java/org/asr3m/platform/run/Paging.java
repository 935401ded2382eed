package org.asr3m.platform.run;

import java.util.List;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;

/** Checks of page and size query parameters (size at most 200). */
public final class Paging {
  public static final int MAX_SIZE = 200;

  private Paging() {}

  public static int page(int page) {
    if (page < 0) {
      throw new ValidationException("invalid page", List.of(new FieldError("page", null, "must be 0 or more, got " + page)));
    }
    return page;
  }

  public static int size(int size) {
    if (size < 1 || size > MAX_SIZE) {
      throw new ValidationException("invalid size", List.of(new FieldError("size", null,
          "must be between 1 and " + MAX_SIZE + ", got " + size)));
    }
    return size;
  }
}
