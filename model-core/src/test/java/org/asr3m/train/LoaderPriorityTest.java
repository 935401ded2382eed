package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoaderPriorityTest {
  /** The calling thread's nice value as the kernel reports it (field 19 of /proc/thread-self/stat). */
  private static int niceOfThisThread() throws Exception {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]); // fields from the 3rd on: state is [0], nice is the 19th
  }

  @Test
  void loaderThreadsRunAtTheLowestPriorityBelowTheTrainerAndTheTrainerIsUntouched() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux");
    int trainer = niceOfThisThread();
    assumeTrue(trainer < 19, "the test runs at nice " + trainer + ": no room below it");
    AtomicInteger loader = new AtomicInteger(Integer.MIN_VALUE);
    Thread t = new Thread(LoaderPriority.at(LoaderPriority.targetForCurrentThread(), () -> {
      try {
        loader.set(niceOfThisThread());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }));
    t.start();
    t.join();
    assertThat(loader.get()).isEqualTo(Math.min(19, trainer + LoaderPriority.DEFAULT_NICE));
    assertThat(niceOfThisThread()).isEqualTo(trainer);
  }

  @Test
  void theLoaderEpochsPoolThreadsAreLoweredOnceThoughThePlannerCreatesThem() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux");
    int trainer = niceOfThisThread();
    assumeTrue(trainer < 19, "no room below nice " + trainer);
    AtomicInteger loader = new AtomicInteger(Integer.MIN_VALUE);
    LoaderEpoch epoch = new LoaderEpoch("test", 1, 2, 1, () -> null, e -> e.emit(() -> {
      loader.set(niceOfThisThread());
      return null;
    }));
    try {
      epoch.next();
    } finally {
      epoch.close();
    }
    assertThat(loader.get()).isEqualTo(Math.min(19, trainer + LoaderPriority.DEFAULT_NICE));
  }

  @Test
  void aLoaderNiceThatIsNotAWholeNumberOfLevelsIsRejectedByName() {
    for (String bad : new String[] {"low", "-3", "2.5"}) {
      System.setProperty(LoaderPriority.PROPERTY, bad);
      try {
        assertThatThrownBy(LoaderPriority::targetForCurrentThread).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("-Dasr3m.loader-nice: must be a whole number of nice levels >= 0 (0 keeps the data loader"
                + " at the trainer's priority), got '" + bad + "'");
      } finally {
        System.clearProperty(LoaderPriority.PROPERTY);
      }
    }
    System.setProperty(LoaderPriority.PROPERTY, "0");
    try {
      assertThat(LoaderPriority.targetForCurrentThread()).isNull(); // the loader keeps the trainer's priority
    } finally {
      System.clearProperty(LoaderPriority.PROPERTY);
    }
  }
}
