package org.asr3m.train;

import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failure for lack of memory into a message saying what ran out (the JVM heap, its
 * direct-buffer pool, native memory PyTorch allocates, GPU memory, threads) and which setting to
 * change — for the CLI's error line and the worker's stage failure reasons, instead of a stack
 * trace. The JVM reports its own limits as {@link OutOfMemoryError}; DJL reports PyTorch's
 * allocation failures as an EngineException carrying PyTorch's text ("DefaultCPUAllocator: not
 * enough memory: you tried to allocate N bytes", "CUDA out of memory").
 */
public final class OutOfMemoryAdvice {
  /** What ran out. */
  public enum Kind {
    /** The Java heap (-Xmx). */
    JAVA_HEAP,
    /** The JVM's direct-buffer pool (-XX:MaxDirectMemorySize, by default as large as -Xmx). */
    DIRECT_BUFFERS,
    /** Class metadata (-XX:MaxMetaspaceSize). */
    METASPACE,
    /** The operating system refused another thread. */
    THREADS,
    /** Host memory allocated by PyTorch: weights, gradients, optimizer moments, activations. */
    NATIVE,
    /** GPU memory. */
    DEVICE
  }

  /** What ran out and the message for the user. */
  public record Advice(Kind kind, String message) {}

  private static final Pattern CPU_BYTES = Pattern.compile("allocate (\\d+) bytes");
  private static final Pattern DEVICE_SIZE = Pattern.compile("[Tt]ried to allocate ([0-9.]+ [KMGT]i?B)");
  private static final String BATCH = "dataset_conf.batch_conf.max_frames_in_batch";
  private static final String BATCH_ADVICE = "lower " + BATCH + " in the recipe (raise accum_grad to keep the"
      + " effective batch)";

  /** Native bytes training keeps per parameter: float32 weight, gradient and Adam's two moments. */
  public static final long TRAINING_BYTES_PER_PARAMETER = 16;

  private OutOfMemoryAdvice() {}

  /**
   * A warning, before training starts, when the weights, gradients and Adam moments of a model of
   * {@code parameters} alone exceed {@code availableBytes} (see {@link #availableMemoryBytes}): Linux
   * then ends the process with its OOM killer (exit 137), which leaves no chance for a message.
   * Empty when it fits or the available memory is unknown (negative).
   */
  public static Optional<String> trainingFootprint(long parameters, long availableBytes) {
    long need = parameters * TRAINING_BYTES_PER_PARAMETER;
    if (availableBytes < 0 || need <= availableBytes) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "training this model needs %.1f GB of native memory for weights,"
        + " gradients and Adam's two moments (16 bytes x %,d parameters) plus the activations of a batch, but only"
        + " %.1f GB is available: expect the operating system to stop the process. Use a machine with more memory"
        + " (a GPU for the activations), or a smaller model.", need / 1e9, parameters, availableBytes / 1e9));
  }

  /** Memory the operating system can give this process now (Linux MemAvailable), or -1 when unknown. */
  public static long availableMemoryBytes() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Advice for {@code failure} or any of its causes; empty when the failure is not about memory. */
  public static Optional<Advice> of(Throwable failure) {
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof OutOfMemoryError oom) {
        return Optional.of(jvm(oom));
      }
    }
    seen.clear();
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage();
      String lower = m.toLowerCase(Locale.ROOT);
      if (lower.contains("cuda out of memory") || lower.contains("cuda error: out of memory")
          || lower.contains("hip out of memory") || lower.contains("mps backend out of memory")) {
        return Optional.of(device(m));
      }
      if (lower.contains("defaultcpuallocator") || lower.contains("not enough memory")
          || lower.contains("std::bad_alloc") || lower.contains("cannot allocate memory")) {
        return Optional.of(nativeMemory(m));
      }
    }
    return Optional.empty();
  }

  private static Advice jvm(OutOfMemoryError e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    String lower = m.toLowerCase(Locale.ROOT);
    String where = where(e);
    long maxHeap = Runtime.getRuntime().maxMemory();
    if (lower.contains("direct buffer memory")) {
      return new Advice(Kind.DIRECT_BUFFERS, "out of JVM direct-buffer memory" + where + " (" + m + "). Its limit is"
          + " -XX:MaxDirectMemorySize, which defaults to the heap limit (-Xmx, now " + mib(maxHeap) + "): raise either,"
          + " e.g. java -XX:MaxDirectMemorySize=8g -jar asr3m.jar …; or " + BATCH_ADVICE + ".");
    }
    if (lower.contains("metaspace") || lower.contains("compressed class space")) {
      return new Advice(Kind.METASPACE, "out of JVM class-metadata memory" + where + " (" + m + "): raise"
          + " -XX:MaxMetaspaceSize (or remove it to let the JVM grow it).");
    }
    if (lower.contains("native thread")) {
      return new Advice(Kind.THREADS, "the operating system refused another thread" + where + " (" + m + "): lower the"
          + " number of threads (data-loader and decoding threads), or raise the process limit (ulimit -u, the"
          + " container's pids limit); each thread also needs memory for its stack.");
    }
    return new Advice(Kind.JAVA_HEAP, "out of Java heap memory" + where + " (" + (m.isEmpty() ? "OutOfMemoryError" : m)
        + "; the heap limit is " + mib(maxHeap) + "). Give the JVM more heap: java -Xmx8g -jar asr3m.jar … (or"
        + " JAVA_TOOL_OPTIONS=-Xmx8g for the worker); or lower what is held at once: " + BATCH_ADVICE
        + ", and the data loader's buffers. Model weights, gradients and Adam moments are native memory, not heap.");
  }

  private static Advice nativeMemory(String m) {
    Matcher bytes = CPU_BYTES.matcher(m);
    String size = bytes.find() ? " " + gib(Long.parseLong(bytes.group(1))) : "";
    return new Advice(Kind.NATIVE, "out of native memory: PyTorch could not allocate" + size + " (" + firstLine(m)
        + "). Native memory holds the model's weights, gradients and Adam's two moments (16 bytes per parameter in"
        + " float32) and each batch's activations, which grow with " + BATCH + ". "
        + capitalized(BATCH_ADVICE) + ", run on a machine or container with more memory,"
        + " or leave PyTorch more of it with a smaller -Xmx (the Java heap and PyTorch share the machine's memory).");
  }

  private static Advice device(String m) {
    Matcher size = DEVICE_SIZE.matcher(m);
    return new Advice(Kind.DEVICE, "out of GPU memory" + (size.find() ? ": PyTorch could not allocate " + size.group(1)
        : "") + " (" + firstLine(m) + "). " + capitalized(BATCH_ADVICE)
        + ", or use a GPU with more memory; PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True helps when memory is"
        + " fragmented.");
  }

  /** " in Class.method" for the first frame of this project's code, so a report says where it happened. */
  private static String where(Throwable t) {
    for (StackTraceElement f : t.getStackTrace()) {
      if (f.getClassName().startsWith("org.asr3m.")) {
        String cls = f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1);
        return " in " + cls + "." + f.getMethodName();
      }
    }
    return "";
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String firstLine(String m) {
    String line = m.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static String mib(long bytes) {
    return bytes == Long.MAX_VALUE ? "unlimited" : String.format(Locale.ROOT, "%d MiB", bytes >> 20);
  }

  private static String gib(long bytes) {
    if (bytes >= 1L << 40) {
      return String.format(Locale.ROOT, "%.2f TiB", bytes / (double) (1L << 40));
    }
    return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
  }
}
