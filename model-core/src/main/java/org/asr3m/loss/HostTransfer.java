package org.asr3m.loss;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * Copies between Java arrays and tensors through a direct view of the tensor's own memory.
 *
 * <p>DJL's {@code NDManager.create(float[])} stages the data in a freshly allocated direct buffer
 * and wraps that buffer as the tensor (≈ 100 µs for the loss's 160 KB, measured), and the tensor
 * then lives in memory that Java frees once the NDArray is closed and collected — fatal for a
 * tensor autograd saves for backward. {@code toFloatArray()} copies through a new Java byte array.
 * Here an upload writes into an empty tensor libtorch allocated (so libtorch owns the memory), and
 * a download reads the tensor's memory in place: one copy each way.
 */
final class HostTransfer {
  private HostTransfer() {}

  /** {@code values} as a tensor of type {@code dt} (float32 or float64) on {@code device}, in {@code m}. */
  static NDArray upload(double[] values, Shape shape, DataType dt, Device device, NDManager m) {
    NDArray a = m.create(shape, dt == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32, Device.cpu());
    if (values.length > 0) {
      ByteBuffer view = a.toByteBuffer(true);
      if (a.getDataType() == DataType.FLOAT64) {
        view.asDoubleBuffer().put(values);
      } else {
        float[] f = new float[values.length];
        for (int k = 0; k < f.length; k++) {
          f[k] = (float) values[k];
        }
        view.asFloatBuffer().put(f);
      }
    }
    if (a.getDataType() != dt) {
      a = a.toType(dt, false);
    }
    return a.toDevice(device, false);
  }

  /** {@code values} as an int64 tensor on {@code device}, in {@code m}. */
  static NDArray upload(long[] values, Shape shape, Device device, NDManager m) {
    NDArray a = m.create(shape, DataType.INT64, Device.cpu());
    if (values.length > 0) {
      a.toByteBuffer(true).asLongBuffer().put(values);
    }
    return a.toDevice(device, false);
  }

  /** A float32 or float64 tensor's values, widened to double. */
  static double[] download(NDArray a) {
    if (a.getDataType() != DataType.FLOAT64 && a.getDataType() != DataType.FLOAT32) {
      a = a.toType(DataType.FLOAT32, false);
    }
    double[] out = new double[Math.toIntExact(a.size())];
    if (out.length == 0) {
      return out;
    }
    // a direct view of a CPU tensor's memory (of a CPU copy for other devices, kept by a's manager)
    ByteBuffer view = a.toByteBuffer(true);
    if (a.getDataType() == DataType.FLOAT64) {
      view.asDoubleBuffer().get(out);
    } else {
      float[] f = new float[out.length];
      view.asFloatBuffer().get(f);
      for (int k = 0; k < f.length; k++) {
        out[k] = f[k];
      }
    }
    return out;
  }
}
