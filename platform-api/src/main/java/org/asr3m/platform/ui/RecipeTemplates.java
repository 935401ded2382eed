package org.asr3m.platform.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/** The tiny-cmn recipes the web-ui jar carries ({@code asr3m-recipes/tiny-cmn/*.yaml}), read once. */
@Component
public class RecipeTemplates {
  static final String LOCATION = "classpath*:asr3m-recipes/tiny-cmn/*.yaml";
  private static final Pattern MODEL = Pattern.compile("(?m)^model:\\s*([A-Za-z0-9_]+)");
  private volatile List<RecipeTemplate> templates;

  public List<RecipeTemplate> all() {
    List<RecipeTemplate> t = templates;
    if (t == null) {
      t = load();
      templates = t;
    }
    return t;
  }

  private static List<RecipeTemplate> load() {
    try {
      List<RecipeTemplate> out = new ArrayList<>();
      for (Resource r : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
        String file = r.getFilename();
        if (file == null) {
          continue;
        }
        String yaml;
        try (InputStream in = r.getInputStream()) {
          yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = MODEL.matcher(yaml);
        out.add(new RecipeTemplate(file.substring(0, file.length() - ".yaml".length()), m.find() ? m.group(1) : null,
            yaml));
      }
      out.sort(Comparator.comparing(RecipeTemplate::name));
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the recipe templates at " + LOCATION, e);
    }
  }
}
