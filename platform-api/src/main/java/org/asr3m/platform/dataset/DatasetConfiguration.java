package org.asr3m.platform.dataset;

import jakarta.servlet.MultipartConfigElement;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** Uploads of data set archives: large requests allowed, spooled to disk beyond 1 MB (memory stays bounded). */
@Configuration(proxyBeanMethods = false)
class DatasetConfiguration {

  @Bean
  MultipartConfigElement multipartConfigElement(DatasetProperties props) throws java.io.IOException {
    MultipartConfigFactory f = new MultipartConfigFactory();
    f.setMaxFileSize(props.maxUploadSize());
    f.setMaxRequestSize(props.maxUploadSize());
    f.setFileSizeThreshold(DataSize.ofMegabytes(1));
    f.setLocation(Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "asr3m-uploads")).toString());
    return f.createMultipartConfig();
  }
}
