package org.asr3m.platform.web;

import org.asr3m.worker.artifact.ArtifactStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness of the artefact store: a listing round trip (checkpoint downloads depend on it). */
@Component("artifactStoreHealthIndicator")
class ArtifactStoreHealthIndicator implements HealthIndicator {
  private final ArtifactStore store;

  ArtifactStoreHealthIndicator(ArtifactStore store) {
    this.store = store;
  }

  @Override
  public Health health() {
    try {
      store.list("health-probe/");
      return Health.up().withDetail("store", store.describe()).build();
    } catch (Exception e) {
      return Health.down().withDetail("store", store.describe()).withDetail("error", e.toString()).build();
    }
  }
}
