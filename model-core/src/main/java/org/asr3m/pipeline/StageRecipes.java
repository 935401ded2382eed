package org.asr3m.pipeline;

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import org.asr3m.io.InputException;
import org.asr3m.nn.EncoderConfig;
import org.asr3m.recipe.Recipe;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import tools.jackson.databind.json.JsonMapper;

/**
 * The recipes of the 3m-asr stage chain, derived from a model recipe the way
 * {@code recipes/tiny-cmn/run_moe.sh} and {@code embedding_net.yaml} were made by hand: the dense
 * base Conformer whose FFNs initialise the experts, and the shared embedding network's pretraining
 * recipe. Both come back as YAML text that {@link Recipe} parses, with their epochs taken from
 * {@code pipeline_conf}. {@link #canonical} gives the text a stage's reuse hash is computed over.
 *
 * <p>The derived recipes are edited as YAML nodes, so every scalar keeps its written form.
 */
public final class StageRecipes {
  /** What errors name when the recipe text has no file. */
  private static final Path UNNAMED = Path.of("recipe.yaml");
  /** Sections that only the MoE / 3M model reads. */
  private static final List<String> MOE_SECTIONS = List.of("moe_conf", "embedding_conf", "multi_level_conf",
      "pipeline_conf");

  private StageRecipes() {}

  /** {@link #baseRecipe(Path, String)} for text without a file name. */
  public static Optional<String> baseRecipe(String recipeYaml) {
    return baseRecipe(UNNAMED, recipeYaml);
  }

  /**
   * The dense Conformer whose FFNs initialise the experts: the same encoder, decoder, model,
   * dataset and optimiser settings, {@code model: conformer}, the MoE / embedding / multi-level
   * sections removed, {@code max_epoch: pipeline_conf.base_epochs}. Empty when the model trains from
   * scratch (base_epochs 0: conformer, u2pp_moe, or set so).
   *
   * @param file where the text came from (named by errors)
   */
  public static Optional<String> baseRecipe(Path file, String recipeYaml) {
    Recipe recipe = Recipe.fromYaml(file, recipeYaml);
    if (recipe.pipeline().baseEpochs() == 0) {
      return Optional.empty();
    }
    MappingNode root = compose(file, recipeYaml);
    MOE_SECTIONS.forEach(k -> remove(root, k));
    put(root, "model", "conformer");
    put(root, "max_epoch", Integer.toString(recipe.pipeline().baseEpochs()));
    return Optional.of(checked(file, "# dense base of " + describe(file, recipe) + ", derived by StageRecipes.baseRecipe\n",
        root));
  }

  /** {@link #embeddingRecipe(Path, String)} for text without a file name. */
  public static Optional<String> embeddingRecipe(String recipeYaml) {
    return embeddingRecipe(UNNAMED, recipeYaml);
  }

  /**
   * The shared embedding network's pretraining recipe: a {@code model: conformer} whose encoder is
   * the one {@code embedding_conf} builds (its width, heads, FFN size, blocks, dropouts and kernel;
   * the main encoder's convolution norm and causality), with the model's decoder, losses and data
   * settings, for {@code pipeline_conf.embedding_epochs} epochs. Only its encoder and CTC head are
   * kept ({@code initEmbedding}). Empty when the routers read no embedding (conformer, u2pp_moe) or
   * embedding_epochs is 0.
   */
  public static Optional<String> embeddingRecipe(Path file, String recipeYaml) {
    Recipe recipe = Recipe.fromYaml(file, recipeYaml);
    EncoderConfig e = recipe.embedding();
    if (e == null || recipe.pipeline().embeddingEpochs() == 0) {
      return Optional.empty();
    }
    MappingNode root = compose(file, recipeYaml);
    MOE_SECTIONS.forEach(k -> remove(root, k));
    put(root, "model", "conformer");
    MappingNode enc = mapping(root, "encoder_conf");
    put(enc, "output_size", Integer.toString(e.outputSize()));
    put(enc, "attention_heads", Integer.toString(e.attentionHeads()));
    put(enc, "linear_units", Integer.toString(e.linearUnits()));
    put(enc, "num_blocks", Integer.toString(e.numBlocks()));
    put(enc, "dropout_rate", Float.toString(e.dropoutRate()));
    put(enc, "positional_dropout_rate", Float.toString(e.positionalDropoutRate()));
    put(enc, "attention_dropout_rate", Float.toString(e.attentionDropoutRate()));
    put(enc, "cnn_module_kernel", Integer.toString(e.cnnModuleKernel()));
    put(enc, "input_layer_channels", Integer.toString(e.inputLayerChannels()));
    put(enc, "use_cnn_module", "true");
    put(enc, "macaron_style", "true");
    // the decoder attends over the embedding network's output: its heads must divide that width
    if (e.outputSize() % recipe.decoder().attentionHeads() != 0) {
      put(mapping(root, "decoder_conf"), "attention_heads", Integer.toString(e.attentionHeads()));
    }
    put(root, "max_epoch", Integer.toString(recipe.pipeline().embeddingEpochs()));
    return Optional.of(checked(file, "# embedding network of " + describe(file, recipe)
        + ", derived by StageRecipes.embeddingRecipe\n", root));
  }

  /**
   * A canonical serialisation of the named top-level sections of a recipe (all of them when none is
   * named): JSON with sorted keys, no comments, null and absent values left out, every scalar as a
   * string with numbers normalised ({@code 0.10}, {@code 1e-1} and {@code .1} are all {@code 0.1};
   * {@code 40} and {@code 40.0} are {@code 40}) and YAML booleans as true/false. Equal settings give
   * equal text whatever the formatting; a named section that is absent is left out.
   */
  public static String canonical(String recipeYaml, String... topLevelKeys) {
    MappingNode root = compose(UNNAMED, recipeYaml);
    TreeMap<String, Object> out = new TreeMap<>();
    List<String> wanted = List.of(topLevelKeys);
    for (NodeTuple t : root.getValue()) {
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      Object value = plain(t.getValueNode());
      if (value != null && (wanted.isEmpty() || wanted.contains(key))) {
        out.put(key, value);
      }
    }
    return JsonMapper.builder().build().writeValueAsString(out);
  }

  private static Object plain(Node n) {
    if (n instanceof MappingNode m) {
      TreeMap<String, Object> out = new TreeMap<>();
      for (NodeTuple t : m.getValue()) {
        Object v = plain(t.getValueNode());
        if (v != null) {
          out.put(((ScalarNode) t.getKeyNode()).getValue(), v);
        }
      }
      return out.isEmpty() ? null : out;
    }
    if (n instanceof SequenceNode s) {
      List<Object> out = new ArrayList<>();
      for (Node item : s.getValue()) {
        out.add(plain(item));
      }
      return out;
    }
    ScalarNode s = (ScalarNode) n;
    if (s.getTag().equals(Tag.NULL)) {
      return null;
    }
    String v = s.getValue().trim();
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> {
        return "true";
      }
      case "false", "no", "off" -> {
        return "false";
      }
      default -> { }
    }
    try {
      BigDecimal d = new BigDecimal(v.startsWith(".") ? "0" + v : v.replace("_", ""));
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return v;
    }
  }

  private static String describe(Path file, Recipe recipe) {
    return (file == UNNAMED ? "a" : file.getFileName() + ",") + " model: " + recipe.modelType();
  }

  /** Serialises the edited tree and parses it as a recipe, so a derived recipe is never invalid. */
  private static String checked(Path file, String header, MappingNode root) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    StringWriter w = new StringWriter();
    new Yaml(options).serialize(root, w);
    String text = header + w;
    Recipe.fromYaml(file.resolveSibling(file.getFileName() + " (derived)"), text);
    return text;
  }

  private static MappingNode compose(Path file, String text) {
    Node root;
    try (StringReader r = new StringReader(text)) {
      root = new Yaml(new LoaderOptions()).compose(r);
    } catch (MarkedYAMLException e) {
      throw new InputException(file, e.getProblemMark().getLine() + 1, "invalid YAML: " + e.getProblem());
    }
    if (!(root instanceof MappingNode m)) {
      throw new InputException(file, "recipe must be a mapping of keys to values");
    }
    return m;
  }

  /** The mapping under {@code key}, created empty when absent. */
  private static MappingNode mapping(MappingNode parent, String key) {
    for (NodeTuple t : parent.getValue()) {
      if (key.equals(((ScalarNode) t.getKeyNode()).getValue()) && t.getValueNode() instanceof MappingNode m) {
        return m;
      }
    }
    remove(parent, key);
    MappingNode m = new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
    parent.getValue().add(new NodeTuple(scalar(key), m));
    return m;
  }

  /** Sets a plain scalar, in place when the key exists (keeps the order), appended otherwise. */
  private static void put(MappingNode map, String key, String value) {
    List<NodeTuple> entries = map.getValue();
    for (int i = 0; i < entries.size(); i++) {
      if (key.equals(((ScalarNode) entries.get(i).getKeyNode()).getValue())) {
        entries.set(i, new NodeTuple(entries.get(i).getKeyNode(), scalar(value)));
        return;
      }
    }
    entries.add(new NodeTuple(scalar(key), scalar(value)));
  }

  private static void remove(MappingNode map, String key) {
    for (Iterator<NodeTuple> it = map.getValue().iterator(); it.hasNext(); ) {
      if (key.equals(((ScalarNode) it.next().getKeyNode()).getValue())) {
        it.remove();
      }
    }
  }

  private static ScalarNode scalar(String value) {
    // resolved like a plain scalar in the file, so "20" stays an int and "true" a bool
    Tag tag = new org.yaml.snakeyaml.resolver.Resolver().resolve(org.yaml.snakeyaml.nodes.NodeId.scalar, value, true);
    return new ScalarNode(tag, value, null, null, DumperOptions.ScalarStyle.PLAIN);
  }
}
