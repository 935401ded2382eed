package org.asr3m.nn;

/**
 * Shape of a Conformer encoder, with WeNet's {@code encoder_conf} key names in comments.
 *
 * @param inputDim feature dimension (input_dim)
 * @param outputSize model dimension d_att (output_size)
 * @param attentionHeads H (attention_heads)
 * @param linearUnits d_ff of the feed-forward modules (linear_units)
 * @param numBlocks number of Conformer blocks (num_blocks)
 * @param dropoutRate residual / FFN dropout (dropout_rate)
 * @param positionalDropoutRate dropout after the positional encoding (positional_dropout_rate)
 * @param attentionDropoutRate dropout on attention weights (attention_dropout_rate)
 * @param cnnModuleKernel depthwise kernel size (cnn_module_kernel)
 * @param useCnnModule whether blocks have a convolution module (use_cnn_module)
 * @param macaronStyle whether blocks have the first half-step FFN (macaron_style)
 * @param cnnModuleLayerNorm LayerNorm (true) or BatchNorm (false) in the conv module (cnn_module_norm)
 * @param causal causal depthwise convolution, which sees no future frames (causal; needed for streaming)
 * @param useDynamicChunk train with a random chunk size per batch (use_dynamic_chunk, U2/U2++)
 * @param useDynamicLeftChunk also draw a random number of left chunks (use_dynamic_left_chunk)
 * @param inputLayerChannels channels of the front-end's two convolutions (input_layer_channels; WeNet
 *     uses output_size, which a small model may not need: see {@link Conv2dSubsampling4})
 */
public record EncoderConfig(int inputDim, int outputSize, int attentionHeads, int linearUnits, int numBlocks,
    float dropoutRate, float positionalDropoutRate, float attentionDropoutRate, int cnnModuleKernel,
    boolean useCnnModule, boolean macaronStyle, boolean cnnModuleLayerNorm, boolean causal, boolean useDynamicChunk,
    boolean useDynamicLeftChunk, int inputLayerChannels) {}
