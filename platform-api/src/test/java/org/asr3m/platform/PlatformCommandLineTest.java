package org.asr3m.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the command line is read before the application starts (slots and threads of the demo). */
class PlatformCommandLineTest {

  @Test
  void demoRunsTwoAtOnceUnlessToldOtherwise() {
    assertThat(PlatformCommandLine.demoParallel(new String[] {"demo"})).isEqualTo(2);
    assertThat(PlatformCommandLine.demoParallel(new String[] {"demo", "--parallel", "1"})).isEqualTo(1);
    assertThat(PlatformCommandLine.demoParallel(new String[] {"demo", "--epochs", "2", "--parallel=3"})).isEqualTo(3);
    // a bad value starts one slot; picocli then rejects the command with its own message
    assertThat(PlatformCommandLine.demoParallel(new String[] {"demo", "--parallel", "many"})).isEqualTo(1);
    assertThat(PlatformCommandLine.demoParallel(new String[] {"demo", "--parallel", "0"})).isEqualTo(1);
  }

  @Test
  void onlyTheDemoWithoutKeepServingExits() {
    assertThat(PlatformCommandLine.exitsWhenDone(new String[] {"demo"})).isTrue();
    assertThat(PlatformCommandLine.exitsWhenDone(new String[] {"demo", "--keep-serving"})).isFalse();
    assertThat(PlatformCommandLine.exitsWhenDone(new String[] {})).isFalse();
    assertThat(PlatformCommandLine.isCommand(new String[] {"token", "create"})).isTrue();
  }
}
