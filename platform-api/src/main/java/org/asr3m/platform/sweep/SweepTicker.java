package org.asr3m.platform.sweep;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The periodic pass over all sweeps ({@code asr3m.sweeps.tick}, default 5 s): fire the scheduled
 * sweeps that are due, then reconcile every sweep with planned points or live runs. Safe to run
 * on several API instances at once (see {@link SweepFiring} and {@link SweepLauncher}).
 */
@Component
public class SweepTicker {
  private static final Logger LOG = LoggerFactory.getLogger(SweepTicker.class);
  private final SweepRepository sweeps;
  private final SweepFiring firing;
  private final SweepLauncher launcher;

  SweepTicker(SweepRepository sweeps, SweepFiring firing, SweepLauncher launcher) {
    this.sweeps = sweeps;
    this.firing = firing;
    this.launcher = launcher;
  }

  @Scheduled(fixedDelayString = "${asr3m.sweeps.tick:5s}", initialDelayString = "${asr3m.sweeps.tick:5s}")
  public void tick() {
    for (long id : sweeps.due(SweepRepository.utc(firing.now()))) {
      try {
        firing.fireIfDue(id);
      } catch (RuntimeException e) {
        LOG.error("sweep {}: firing failed: {}", id, e.toString(), e);
      }
    }
    for (long id : sweeps.withWork()) {
      try {
        launcher.reconcile(id);
      } catch (RuntimeException e) {
        LOG.error("sweep {}: reconcile failed: {}", id, e.toString(), e);
      }
    }
  }
}
