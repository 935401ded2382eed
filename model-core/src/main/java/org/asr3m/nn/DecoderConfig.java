package org.asr3m.nn;

/**
 * Shape of the attention decoder, with WeNet's {@code decoder_conf} keys.
 *
 * @param vocabSize output units (from units.txt)
 * @param dim attention dimension (the encoder's output_size)
 * @param attentionHeads attention_heads
 * @param linearUnits linear_units
 * @param numBlocks num_blocks (left-to-right decoder)
 * @param rNumBlocks r_num_blocks (right-to-left decoder of the bidirectional variant; 0 = none)
 * @param dropoutRate dropout_rate
 * @param positionalDropoutRate positional_dropout_rate
 * @param selfAttentionDropoutRate self_attention_dropout_rate
 * @param srcAttentionDropoutRate src_attention_dropout_rate
 */
public record DecoderConfig(int vocabSize, int dim, int attentionHeads, int linearUnits, int numBlocks,
    int rNumBlocks, float dropoutRate, float positionalDropoutRate, float selfAttentionDropoutRate,
    float srcAttentionDropoutRate) {

  public boolean bidirectional() {
    return rNumBlocks > 0;
  }
}
