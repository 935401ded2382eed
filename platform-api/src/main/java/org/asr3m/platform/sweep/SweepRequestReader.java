package org.asr3m.platform.sweep;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.asr3m.platform.web.ValidationException;
import org.asr3m.platform.web.ValidationException.FieldError;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a sweep request strictly: a field the request does not know (a misspelt
 * {@code maxConcurent}) is an error naming it, never silently dropped; a value of the wrong type
 * names its path.
 */
final class SweepRequestReader {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private SweepRequestReader() {}

  static SweepRequest read(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the request body must be a JSON object describing the sweep");
    }
    List<FieldError> errors = new ArrayList<>();
    unknown(body, "", SweepRequest.class, errors);
    JsonNode variants = body.get("variants");
    if (variants != null && variants.isArray()) {
      for (int i = 0; i < variants.size(); i++) {
        unknown(variants.get(i), "variants[" + i + "].", SweepRequest.Variant.class, errors);
      }
    }
    unknown(body.get("earlyStopping"), "earlyStopping.", SweepRequest.EarlyStopping.class, errors);
    if (!errors.isEmpty()) {
      throw new ValidationException("the sweep has unknown fields", errors);
    }
    try {
      return JSON.treeToValue(body, SweepRequest.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("sweep request: " + e.getOriginalMessage() + " at " + e.getPathReference());
    }
  }

  private static void unknown(JsonNode node, String prefix, Class<? extends Record> type, List<FieldError> errors) {
    if (node == null || !node.isObject()) {
      return;
    }
    Set<String> known = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    for (String name : node.propertyNames()) {
      if (!known.contains(name)) {
        errors.add(new FieldError(prefix + name, null, "unknown field (known: " + String.join(", ", known) + ")"));
      }
    }
  }
}
