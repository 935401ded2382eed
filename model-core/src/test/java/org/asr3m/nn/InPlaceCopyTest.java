package org.asr3m.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class InPlaceCopyTest {
  private static final String WARNING = "AutoNonVariableTypeMode";

  @Test
  void overwritesTheTensorsOwnStorage() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.zeros(new Shape(2, 3));
      NDArray view = w.get("1"); // shares w's storage: an in-place copy shows through it
      InPlaceCopy.copy(w, new float[] {1, 2, 3, 4, 5, 6});
      assertThat(w.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(view.toFloatArray()).containsExactly(4, 5, 6);
    }
  }

  /** Entry point of the child JVM: writes a tensor the way the project does, or DJL's way ("set"). */
  public static void main(String[] args) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.zeros(new Shape(4));
      if (args.length > 0 && args[0].equals("set")) {
        w.set(new float[] {1, 2, 3, 4});
      } else {
        InPlaceCopy.copy(w, new float[] {1, 2, 3, 4});
      }
      System.out.println(w.sum().getFloat());
    }
  }

  private static String childStderr(String mode) throws Exception {
    return ChildJvm.run(InPlaceCopyTest.class, List.of(), java.util.Map.of(), mode).err();
  }

  /** libtorch prints the deprecation warning on stderr (native code, so only a child process shows it). */
  @Test
  void printsNoLibtorchDeprecationWarning() throws Exception {
    assertThat(childStderr("copy")).doesNotContain(WARNING);
    // the control: DJL's NDArray.set is where the warning comes from (if this fails, DJL fixed it)
    assertThat(childStderr("set")).contains(WARNING);
  }
}
