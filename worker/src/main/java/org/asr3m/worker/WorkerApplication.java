package org.asr3m.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The worker process: runs experiment runs as Spring Batch jobs. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {
  public static void main(String[] args) {
    System.exit(SpringApplication.exit(SpringApplication.run(WorkerApplication.class, args)));
  }
}
