package org.asr3m.model;

import org.asr3m.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.asr3m.loss.LabelSmoothingLoss;

/**
 * Decoder inputs and outputs built from padded targets on the device (WeNet's add_sos_eos and
 * reverse_pad_list): ys_in = [sos, y1…yn] padded with eos, ys_out = [y1…yn, eos] padded with
 * ignore (−1); the reversed pair feeds the right-to-left decoder.
 *
 * @param ysIn (B, L+1)
 * @param ysOut (B, L+1)
 * @param ysInLens (B,) = target lengths + 1
 * @param rysIn reversed-target decoder input
 * @param rysOut reversed-target decoder output
 */
public record DecoderTargets(NDArray ysIn, NDArray ysOut, NDArray ysInLens, NDArray rysIn, NDArray rysOut) {

  /**
   * @param targets (B, L) int ids padded with {@link LabelSmoothingLoss#IGNORE_ID}
   * @param lengths (B,)
   * @param sosEos the &lt;sos/eos&gt; id (the last unit)
   */
  public static DecoderTargets of(NDArray targets, NDArray lengths, int sosEos) {
    NDManager m = targets.getManager();
    long b = targets.getShape().get(0);
    long l = targets.getShape().get(1);
    NDArray ys = targets.toType(DataType.INT64, false);
    NDArray lens = lengths.toType(DataType.INT64, false).toDevice(ys.getDevice(), false).expandDims(1); // (B, 1)
    NDArray pos = m.arange(0, (int) l, 1, DataType.INT64, ys.getDevice()).expandDims(0); // (1, L)
    NDArray valid = pos.lt(lens);
    // reversed within each sequence: position j takes y[len − 1 − j]
    NDArray revIdx = lens.sub(1L).sub(pos).maximum(0L);
    NDArray rys = l == 0 ? ys : Ops.where(valid, ys.gather(revIdx.broadcast(b, l), 1), ys.onesLike().mul(LabelSmoothingLoss.IGNORE_ID));
    NDArray[] fwd = build(m, ys, lens, valid, b, l, sosEos);
    NDArray[] rev = build(m, rys, lens, valid, b, l, sosEos);
    return new DecoderTargets(fwd[0], fwd[1], lens.squeeze(1).add(1L), rev[0], rev[1]);
  }

  private static NDArray[] build(NDManager m, NDArray ys, NDArray lens, NDArray valid, long b, long l, int sosEos) {
    NDArray sos = m.full(new Shape(b, 1), sosEos, DataType.INT64, ys.getDevice());
    NDArray eosFill = m.full(new Shape(b, l), sosEos, DataType.INT64, ys.getDevice());
    NDArray ignore = m.full(new Shape(b, l + 1), LabelSmoothingLoss.IGNORE_ID, DataType.INT64, ys.getDevice());
    NDArray ysIn = NDArrays.concat(new NDList(sos, Ops.where(valid, ys, eosFill)), 1);
    NDArray pos = m.arange(0, (int) l + 1, 1, DataType.INT64, ys.getDevice()).expandDims(0);
    // ys_out: the labels, then eos at position len, then ignore
    NDArray shifted = NDArrays.concat(new NDList(ys, ignore.get(":, :1")), 1);
    NDArray labelsThenIgnore = Ops.where(pos.lt(lens), shifted, ignore);
    NDArray ysOut = Ops.where(pos.eq(lens), sos.broadcast(b, l + 1), labelsThenIgnore);
    return new NDArray[] {ysIn, ysOut};
  }
}
