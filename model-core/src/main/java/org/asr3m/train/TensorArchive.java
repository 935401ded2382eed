package org.asr3m.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.asr3m.io.NpzReader;
import org.asr3m.io.NpzWriter;

/**
 * Moves tensors between NDArrays and .npz entries one tensor at a time. A float32 PyTorch tensor in
 * host memory is written from, and read into, its own memory through a direct view (the
 * assumption {@link Adam}'s host pass makes too: parameters and moments are dense), so a checkpoint
 * of any size passes through no Java array and no direct buffer. Other tensors (another device or
 * type) take one heap copy of that tensor at a time.
 */
final class TensorArchive {
  private static final boolean LITTLE_ENDIAN_HOST = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  /** Tests switch the views off to run the copying path on the CPU. */
  static boolean hostViews = true;

  private TensorArchive() {}

  static void write(NpzWriter out, String name, NDArray a) throws IOException {
    long[] shape = a.getShape().getShape();
    if (direct(a)) {
      out.add(name, shape, a.toByteBuffer(true));
      return;
    }
    float[] values;
    try (NDManager scratch = a.getManager().newSubManager()) {
      NDArray copy = a.toType(DataType.FLOAT32, true); // a host copy, if one is made, belongs to the copy's manager
      copy.attach(scratch);
      values = copy.toFloatArray();
    }
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    out.add(name, shape, bytes);
  }

  /** Reads entry {@code name} into {@code target}; the caller has checked that the shapes match. */
  static void read(NpzReader in, String name, NDArray target) {
    if (direct(target)) {
      in.read(name, target.toByteBuffer(true));
      return;
    }
    ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(target.size() * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    in.read(name, bytes);
    float[] values = new float[Math.toIntExact(target.size())];
    bytes.flip().asFloatBuffer().get(values);
    org.asr3m.nn.InPlaceCopy.copy(target, values);
  }

  private static boolean direct(NDArray a) {
    return hostViews && LITTLE_ENDIAN_HOST && Adam.inHostMemory(a);
  }
}
