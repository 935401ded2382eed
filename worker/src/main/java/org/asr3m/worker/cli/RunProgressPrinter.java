package org.asr3m.worker.cli;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.asr3m.worker.run.RunRepository;
import org.asr3m.worker.run.Stage;
import org.asr3m.worker.run.StageStatus;

/**
 * Shows a run's stages as they progress, read from the database (so it shows the same thing for a
 * run executed here or on another worker): a progress bar with ETA for the running stage on a
 * terminal, plain lines for logs and CI.
 */
final class RunProgressPrinter implements AutoCloseable {
  private final RunRepository runs;
  private final long runId;
  private final PrintWriter out;
  private final boolean terminal = System.console() != null;
  private final Map<Stage, StageStatus> shown = new EnumMap<>(Stage.class);
  private final Thread thread;
  private volatile boolean running = true;
  private ProgressBar bar;
  private Stage barStage;
  private int lastTenth = -1;

  RunProgressPrinter(RunRepository runs, long runId, PrintWriter out) {
    this.runs = runs;
    this.runId = runId;
    this.out = out;
    this.thread = new Thread(this::loop, "run-progress-" + runId);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        poll();
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the display must never disturb the run
      }
    }
  }

  private synchronized void poll() {
    for (RunRepository.StageRow s : runs.stages(runId).values()) {
      StageStatus before = shown.put(s.stage(), s.status());
      if (s.status() == StageStatus.RUNNING && s.progress() != null) {
        progress(s);
      }
      if (before != s.status() && s.status() != StageStatus.PENDING && s.status() != StageStatus.RUNNING) {
        endBar();
        out.printf("%-18s %-9s %s%n", s.stage().stepName(), s.status(), s.message() == null ? "" : s.message());
        out.flush();
      } else if (before != s.status() && s.status() == StageStatus.RUNNING) {
        out.printf("%-18s RUNNING%n", s.stage().stepName());
        out.flush();
      }
    }
  }

  private void progress(RunRepository.StageRow s) {
    long permille = Math.round(s.progress() * 1000);
    if (terminal) {
      if (barStage != s.stage()) {
        endBar();
        bar = new ProgressBarBuilder().setTaskName(s.stage().stepName()).setInitialMax(1000)
            .setStyle(ProgressBarStyle.ASCII).setUnit("‰", 1).build();
        barStage = s.stage();
      }
      bar.stepTo(permille);
    } else {
      int tenth = (int) (permille / 100);
      if (tenth != lastTenth) {
        lastTenth = tenth;
        out.printf("%-18s %3d %%%s%n", s.stage().stepName(), tenth * 10,
            s.etaSeconds() == null ? "" : String.format(", ETA %.0f s", s.etaSeconds()));
        out.flush();
      }
    }
  }

  private void endBar() {
    if (bar != null) {
      bar.close();
      bar = null;
      barStage = null;
    }
    lastTenth = -1;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(2000);
    poll();
    endBar();
  }
}
