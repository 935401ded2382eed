package org.asr3m.platform.result;

import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/results/compare?runs=1,2,3 | sweep=ID | experiment=ID [&baseline=RUN] [&format=json|csv|md]}:
 * the CER table. Without {@code format}, {@code Accept: text/csv} or {@code text/markdown} choose
 * the text forms; JSON otherwise.
 */
@RestController
@RequestMapping("/api/results")
class ResultController {
  static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");
  static final MediaType MARKDOWN = MediaType.parseMediaType("text/markdown;charset=UTF-8");
  private final CompareService compare;

  ResultController(CompareService compare) {
    this.compare = compare;
  }

  @GetMapping("/compare")
  ResponseEntity<?> compare(@RequestParam(required = false) String runs, @RequestParam(required = false) Long sweep,
      @RequestParam(required = false) Long experiment, @RequestParam(required = false) Long baseline,
      @RequestParam(required = false) String format, @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
    String f = format(format, accept);
    CompareTable t = compare.compare(new CompareService.Selection(runIds(runs), sweep, experiment), baseline);
    return switch (f) {
      case "csv" -> ResponseEntity.ok().contentType(CSV)
          .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"cer.csv\"").body(CompareText.csv(t));
      case "md" -> ResponseEntity.ok().contentType(MARKDOWN).body(CompareText.markdown(t));
      default -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(t);
    };
  }

  private static String format(String format, String accept) {
    if (format != null && !format.isBlank()) {
      return switch (format.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "json" -> "json";
        case "csv" -> "csv";
        case "md", "markdown" -> "md";
        default -> throw new IllegalArgumentException("format: '" + format + "' is not one of json, csv, md");
      };
    }
    if (accept != null) {
      for (MediaType m : MediaType.parseMediaTypes(accept)) {
        if (m.isCompatibleWith(MediaType.APPLICATION_JSON) && !m.isWildcardType()) {
          return "json";
        }
        if (m.getType().equals("text") && m.getSubtype().equals("csv")) {
          return "csv";
        }
        if (m.getType().equals("text") && m.getSubtype().equals("markdown")) {
          return "md";
        }
      }
    }
    return "json";
  }

  private static List<Long> runIds(String runs) {
    List<Long> ids = new ArrayList<>();
    if (runs == null || runs.isBlank()) {
      return ids;
    }
    for (String s : runs.split(",")) {
      if (s.isBlank()) {
        continue;
      }
      try {
        ids.add(Long.parseLong(s.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("runs: '" + s.strip() + "' is not a run id (runs=1,2,3)");
      }
    }
    return ids;
  }
}
