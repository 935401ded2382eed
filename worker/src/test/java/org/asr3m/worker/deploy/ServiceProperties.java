package org.asr3m.worker.deploy;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.util.ClassUtils;

/**
 * The Spring properties a service reads: Spring Boot's and its libraries' (their configuration
 * metadata on this classpath), the project's own ({@code @ConfigurationProperties} classes,
 * {@code @ConditionalOnProperty}, {@code @Value}) in the service's packages, and the keys of its
 * application.yaml; classes that cannot load on this classpath are not run by the service and are
 * left out. {@link #propertyFor} says which one an environment variable sets, by Spring's
 * own relaxed binding for environment variables.
 */
public final class ServiceProperties {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

  private final Set<String> names = new TreeSet<>();
  private final PropertySource<?> applicationYaml;

  private ServiceProperties(PropertySource<?> applicationYaml) {
    this.applicationYaml = applicationYaml;
  }

  /**
   * @param applicationYaml the service's src/main/resources/application.yaml
   * @param packages the packages whose classes the service runs
   */
  public static ServiceProperties read(Path applicationYaml, String... packages) throws Exception {
    List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load("application.yaml",
        new FileSystemResource(applicationYaml));
    ServiceProperties p = new ServiceProperties(yaml.get(0));
    p.names.addAll(List.of(((EnumerablePropertySource<?>) yaml.get(0)).getPropertyNames()));
    p.readMetadata();
    for (String pkg : packages) {
      p.readProject(pkg);
    }
    return p;
  }

  public PropertySource<?> applicationYaml() {
    return applicationYaml;
  }

  public boolean contains(String property) {
    return names.contains(property);
  }

  /** The property an environment variable of this name sets, or null when the service reads none. */
  public String propertyFor(String variable) {
    ConfigurationPropertySource env = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "x")));
    for (String name : names) {
      ConfigurationPropertyName n = ConfigurationPropertyName.ofIfValid(name);
      if (n != null && env.getConfigurationProperty(n) != null) {
        return name;
      }
    }
    return null;
  }

  /** Binds like the service would: this environment (its compose variables) over its application.yaml. */
  public Binder binder(Map<String, String> environment) {
    StandardEnvironment env = new StandardEnvironment();
    MutablePropertySources sources = env.getPropertySources();
    sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new java.util.LinkedHashMap<>(environment)));
    sources.addLast(applicationYaml);
    ConfigurationPropertySources.attach(env);
    return Binder.get(env);
  }

  private void readMetadata() throws IOException {
    var resolver = new PathMatchingResourcePatternResolver();
    JsonParser json = JsonParserFactory.getJsonParser();
    List<Resource> files = new ArrayList<>();
    files.addAll(List.of(resolver.getResources("classpath*:META-INF/spring-configuration-metadata.json")));
    files.addAll(List.of(resolver.getResources("classpath*:META-INF/additional-spring-configuration-metadata.json")));
    for (Resource r : files) {
      try (InputStream in = r.getInputStream()) {
        Object props = json.parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8)).get("properties");
        if (props instanceof List<?> list) {
          for (Object prop : list) {
            if (prop instanceof Map<?, ?> m && m.get("name") != null) {
              names.add(m.get("name").toString());
            }
          }
        }
      }
    }
  }

  private void readProject(String pkg) throws Exception {
    var scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter((reader, factory) -> true);
    ClassLoader loader = getClass().getClassLoader();
    for (BeanDefinition bd : scanner.findCandidateComponents(pkg)) {
      String from = bd instanceof AbstractBeanDefinition abd ? abd.getResourceDescription() : "";
      if (from != null && (from.contains("test-classes") || from.contains("-tests.jar"))) {
        continue; // what the services run, not their tests
      }
      try {
        readClass(ClassUtils.forName(bd.getBeanClassName(), loader));
      } catch (LinkageError e) {
        // needs a library this classpath lacks: the service does not run it
      }
    }
  }

  private void readClass(Class<?> type) {
    ConfigurationProperties cp = AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class);
    if (cp != null) {
      addBean(cp.prefix(), type);
    }
    conditions(type);
    values(type);
    for (Method m : type.getDeclaredMethods()) {
      ConfigurationProperties mcp = AnnotatedElementUtils.findMergedAnnotation(m, ConfigurationProperties.class);
      if (mcp != null) {
        addBean(mcp.prefix(), m.getReturnType());
      }
      conditions(m);
      values(m);
      parameters(m);
    }
    for (var c : type.getDeclaredConstructors()) {
      parameters(c);
    }
    for (var f : type.getDeclaredFields()) {
      values(f);
    }
  }

  private void conditions(AnnotatedElement e) {
    ConditionalOnProperty c = AnnotatedElementUtils.findMergedAnnotation(e, ConditionalOnProperty.class);
    if (c != null) {
      String prefix = c.prefix().isEmpty() ? "" : c.prefix() + ".";
      for (String name : c.name()) {
        names.add(prefix + name);
      }
    }
  }

  private void parameters(Executable e) {
    for (Parameter p : e.getParameters()) {
      values(p);
    }
  }

  private void values(AnnotatedElement e) {
    Value v = AnnotatedElementUtils.findMergedAnnotation(e, Value.class);
    if (v != null) {
      Matcher m = PLACEHOLDER.matcher(v.value());
      while (m.find()) {
        names.add(m.group(1));
      }
    }
  }

  private void addBean(String prefix, Class<?> type) {
    if (type.isRecord()) {
      for (RecordComponent rc : type.getRecordComponents()) {
        add(prefix, rc.getName(), rc.getType());
      }
      return;
    }
    for (PropertyDescriptor pd : BeanUtils.getPropertyDescriptors(type)) {
      Class<?> t = pd.getPropertyType();
      if (pd.getName().equals("class") || t == null) {
        continue;
      }
      if (pd.getWriteMethod() != null || (pd.getReadMethod() != null && nested(t))) {
        add(prefix, pd.getName(), t);
      }
    }
  }

  private void add(String prefix, String javaName, Class<?> type) {
    String name = prefix + "." + DataObjectPropertyName.toDashedForm(javaName);
    if (nested(type)) {
      addBean(name, type);
    } else {
      names.add(name);
    }
  }

  /** A group of properties of the project's own (e.g. asr3m.artifacts.s3), not a value. */
  private static boolean nested(Class<?> type) {
    return type.getName().startsWith("org.asr3m.") && !type.isEnum();
  }
}
