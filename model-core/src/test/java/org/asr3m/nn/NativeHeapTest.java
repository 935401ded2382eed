package org.asr3m.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * glibc's settings are process-wide, so each case runs in a child JVM, which mallocs a block of the
 * size of the encoder front-end's activations and reads from glibc's own statistics (mallinfo2)
 * whether it became a memory map (given back on free, zeroed again on the next step) or a heap block.
 */
class NativeHeapTest {
  private static final long BLOCK = 45L << 20;

  /** glibc's struct mallinfo2 (glibc 2.33 and later): ten size_t fields. */
  @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
      "fordblks", "keepcost"})
  public static class MallInfo2 extends Structure implements Structure.ByValue {
    public long arena;
    public long ordblks;
    public long smblks;
    public long hblks;
    public long hblkhd; // bytes in memory-mapped blocks
    public long usmblks;
    public long fsmblks;
    public long uordblks;
    public long fordblks;
    public long keepcost;
  }

  /** Child JVM: tune (as AsrModel.create does), malloc one block twice, print what glibc counts. */
  public static void main(String[] args) {
    boolean tuned = NativeHeap.ensureTuned();
    NativeLibrary c = NativeLibrary.getInstance("c");
    Function malloc = c.getFunction("malloc");
    Function free = c.getFunction("free");
    Function mallinfo2 = c.getFunction("mallinfo2");
    int mapped = 0; // mallocs that glibc served with a memory map
    for (int i = 0; i < 2; i++) {
      long before = ((MallInfo2) mallinfo2.invoke(MallInfo2.class, new Object[0])).hblkhd;
      Pointer p = (Pointer) malloc.invoke(Pointer.class, new Object[] {BLOCK});
      mapped += ((MallInfo2) mallinfo2.invoke(MallInfo2.class, new Object[0])).hblkhd - before >= BLOCK ? 1 : 0;
      free.invoke(new Object[] {p});
    }
    System.out.println("tuned=" + tuned + " mapped=" + mapped);
  }

  private static String child(String... jvmArgs) throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("MALLOC_MMAP_THRESHOLD_", null);
    env.put("MALLOC_TRIM_THRESHOLD_", null);
    return ChildJvm.run(NativeHeapTest.class, List.of(jvmArgs), env).out().trim();
  }

  @Test
  void largeTensorsStayInTheHeapOnceTunedAndAreMappedAnewWithGlibcsDefault() throws Exception {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "glibc's mallopt and mallinfo2");
    // glibc's default: a 45 MB block is above its mmap threshold (32 MB at most), mapped on each malloc
    assertThat(child("-D" + NativeHeap.PROPERTY + "=default")).isEqualTo("tuned=false mapped=2");
    // tuned: both mallocs are served from the heap, the second one by the first one's freed memory
    assertThat(child()).isEqualTo("tuned=true mapped=0");
  }

  @Test
  void aSettingOtherThanDefaultIsRejectedByName() {
    System.setProperty(NativeHeap.PROPERTY, "off");
    try {
      assertThatThrownBy(NativeHeap::ensureTuned).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("-Dasr3m.native-heap: the only value is 'default' (keep glibc's heap settings); leave it"
              + " out to have them tuned, got 'off'");
    } finally {
      System.clearProperty(NativeHeap.PROPERTY);
    }
  }
}
