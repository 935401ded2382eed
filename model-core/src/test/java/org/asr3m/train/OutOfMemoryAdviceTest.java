package org.asr3m.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Failures for lack of memory say what ran out and which setting to change. */
class OutOfMemoryAdviceTest {
  /** 2^46 float32 = 256 TiB: beyond any machine's address space, so PyTorch's allocator fails at once. */
  static final Shape IMPOSSIBLE = new Shape(1L << 46);

  @Test
  void pytorchAllocationFailureIsNativeMemory() {
    Throwable failure;
    try (NDManager m = NDManager.newBaseManager()) {
      failure = catchThrowable(() -> m.zeros(IMPOSSIBLE));
    }
    assertThat(failure).isInstanceOf(EngineException.class);
    OutOfMemoryAdvice.Advice a = OutOfMemoryAdvice.of(new RuntimeException("step failed", failure)).orElseThrow();
    assertThat(a.kind()).isEqualTo(OutOfMemoryAdvice.Kind.NATIVE);
    assertThat(a.message()).startsWith("out of native memory: PyTorch could not allocate 256.00 TiB (")
        .contains("16 bytes per parameter").contains("Lower dataset_conf.batch_conf.max_frames_in_batch in the recipe")
        .contains("-Xmx");
  }

  @Test
  void javaHeapExhaustionNamesTheHeapLimit() {
    // larger than any Java array may be: the JVM throws before allocating anything
    Throwable oom = catchThrowable(() -> System.out.println(new long[Integer.MAX_VALUE].length));
    assertThat(oom).isInstanceOf(OutOfMemoryError.class);
    OutOfMemoryAdvice.Advice a = OutOfMemoryAdvice.of(new RuntimeException(new ExecutionException(oom))).orElseThrow();
    assertThat(a.kind()).isEqualTo(OutOfMemoryAdvice.Kind.JAVA_HEAP);
    assertThat(a.message()).startsWith("out of Java heap memory in OutOfMemoryAdviceTest.")
        .contains("the heap limit is " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB")
        .contains("java -Xmx8g -jar asr3m.jar").contains("max_frames_in_batch");
  }

  @Test
  void otherJvmLimitsAndGpuMemoryAreToldApart() {
    // the texts the JVM and PyTorch use (these limits cannot be hit safely on a shared test machine)
    assertThat(OutOfMemoryAdvice.of(new OutOfMemoryError(
        "Cannot reserve 8388608 bytes of direct buffer memory (allocated: 4294967296, limit: 4294967296)")).orElseThrow())
        .satisfies(a -> assertThat(a.kind()).isEqualTo(OutOfMemoryAdvice.Kind.DIRECT_BUFFERS))
        .satisfies(a -> assertThat(a.message()).contains("-XX:MaxDirectMemorySize"));
    assertThat(OutOfMemoryAdvice.of(new OutOfMemoryError("Metaspace")).orElseThrow().kind())
        .isEqualTo(OutOfMemoryAdvice.Kind.METASPACE);
    assertThat(OutOfMemoryAdvice.of(new OutOfMemoryError(
        "unable to create native thread: possibly out of memory or process/resource limits reached")).orElseThrow().kind())
        .isEqualTo(OutOfMemoryAdvice.Kind.THREADS);
    OutOfMemoryAdvice.Advice gpu = OutOfMemoryAdvice.of(new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB"
        + " (GPU 0; 15.78 GiB total capacity; 13.10 GiB already allocated)")).orElseThrow();
    assertThat(gpu.kind()).isEqualTo(OutOfMemoryAdvice.Kind.DEVICE);
    assertThat(gpu.message()).startsWith("out of GPU memory: PyTorch could not allocate 2.00 GiB")
        .contains("max_frames_in_batch");
  }

  /** The paper's 1.37 B model keeps about 22 GB of weights, gradients and moments: more than 16 GB cannot train it. */
  @Test
  void trainingFootprintWarnsBeforeTheKernelWouldStopTheProcess() {
    assertThat(OutOfMemoryAdvice.trainingFootprint(1_370_000_000L, 16_000_000_000L).orElseThrow())
        .startsWith("training this model needs 21.9 GB of native memory").contains("1,370,000,000 parameters")
        .contains("only 16.0 GB is available");
    assertThat(OutOfMemoryAdvice.trainingFootprint(738_782_280L, 20_000_000_000L)).isEmpty(); // 11.8 GB fits
    assertThat(OutOfMemoryAdvice.trainingFootprint(1_370_000_000L, -1)).isEmpty();
    assertThat(OutOfMemoryAdvice.availableMemoryBytes()).isNotZero();
  }

  @Test
  void otherFailuresAreNotAboutMemory() {
    assertThat(OutOfMemoryAdvice.of(new IllegalStateException("shape mismatch"))).isEmpty();
    assertThat(OutOfMemoryAdvice.of(new EngineException("The size of tensor a (3) must match the size of tensor b (4)")))
        .isEmpty();
  }
}
