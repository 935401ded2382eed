package org.asr3m.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * Base of every network block here. Unlike DJL's stock layers, parameter shapes are fixed by the
 * constructor (from the recipe), so a model can be built, counted and loaded without a dummy
 * forward pass; child and parameter names follow WeNet's module names so a parameter's path reads
 * like a WeNet state-dict key ({@link ParameterNames}).
 */
public abstract class Layer extends AbstractBlock {
  protected static final byte VERSION = 1;

  protected Layer() {
    super(VERSION);
  }

  protected final Parameter param(String name, Parameter.Type type, Shape shape, Initializer init) {
    return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init).build());
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block child : children.values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  /** Shapes are not inferred here (see class comment); blocks keep their input shape. */
  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  /**
   * The value of {@code p} on the device of {@code like} (DJL copies parameters per device), after
   * any optimiser update still writing it ({@link ParameterGate}).
   */
  protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    ParameterGate.await(p);
    return ps.getValue(p, like.getDevice(), training);
  }

  /** x Wᵀ + b on the last axis of x (torch.nn.functional.linear), with {@code bias} null for none. */
  protected static NDArray affine(ParameterStore ps, NDArray x, NDArray w, Parameter bias, boolean training) {
    return bias == null ? Linear.linear(x, w).head() : Linear.linear(x, w, value(ps, bias, x, training)).head();
  }

  /**
   * Moves an array computed from a parameter alone (e.g. its reshape) into the manager of the
   * batch input {@code like}. DJL puts a result in the manager of its first operand, which for a
   * parameter is the model's long-lived manager: without this, every step would leave one array
   * behind until the model is closed.
   */
  protected static NDArray scoped(NDArray derived, NDArray like) {
    derived.attach(like.getManager());
    return derived;
  }

}
