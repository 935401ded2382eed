package org.asr3m.platform;

import java.util.concurrent.Callable;
import org.asr3m.platform.security.ApiTokenService;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Commands besides serving: {@code token create --name NAME [--admin]} prints a new API token once
 * (the admin command of the access control); {@code demo} runs the README's main job against this
 * running platform. Without a command the platform serves until stopped.
 */
@Component
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.LOWEST_PRECEDENCE) // after start-up registrations
class PlatformCommandLine implements ApplicationRunner, ExitCodeGenerator {
  private final ApiTokenService tokens;
  private final org.springframework.core.env.Environment env;
  private int exitCode;

  PlatformCommandLine(ApiTokenService tokens, org.springframework.core.env.Environment env) {
    this.tokens = tokens;
    this.env = env;
  }

  @Command(name = "platform-api.jar", mixinStandardHelpOptions = true, subcommands = {TokenCommand.class, Demo.class},
      description = "3M-ASR platform API. Without a command: serve (REST API, UI, embedded worker).")
  static final class Root {}

  @Command(name = "token", description = "Manage API tokens.", subcommands = CreateToken.class)
  static final class TokenCommand {}

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an API token and print it once.")
  static final class CreateToken implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "Who or what uses the token.")
    String name;

    @Option(names = "--admin", description = "May also create and revoke tokens.")
    boolean admin;

    ApiTokenService tokens;

    @Override
    public Integer call() {
      var t = tokens.create(name, admin);
      System.out.println(t.token());
      System.err.printf("token %d '%s'%s created; it is shown only now%n", t.id(), t.name(), t.admin() ? " (admin)" : "");
      return 0;
    }
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = {"Start the platform on embedded defaults and run the tiny-cmn comparison (Conformer,",
          "Conformer-MoE, 3M) through the REST API as one sweep; print progress and the CER table, then exit."})
  static final class Demo implements Callable<Integer> {
    @Option(names = "--recipes", defaultValue = "recipes/tiny-cmn", description = "Directory of the three recipes.")
    java.nio.file.Path recipes;

    @Option(names = "--epochs", defaultValue = "6",
        description = "Budget per model in epochs: the dense model trains N, each MoE model N/2 from a dense base of N/2"
            + " (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--embedding-epochs", defaultValue = "3",
        description = "Pretraining epochs of the shared embedding network (default: ${DEFAULT-VALUE}).")
    int embeddingEpochs;

    @Option(names = "--parallel", defaultValue = "2",
        description = "Runs trained at once, each on cores/N intra-op threads (default: ${DEFAULT-VALUE}; read at start-up,"
            + " see PlatformApplication).")
    int parallel;

    @Option(names = "--keep-serving", description = "Keep serving afterwards (open the UI at the printed address).")
    boolean keepServing;

    ApiTokenService tokens;
    int port;

    @Override
    public Integer call() throws Exception {
      var demo = new org.asr3m.platform.demo.DemoCommand(port, tokens, recipes, System.out);
      if (epochs < 2 || embeddingEpochs < 1 || parallel < 1) {
        throw new IllegalArgumentException("--epochs must be at least 2, --embedding-epochs and --parallel at least 1");
      }
      int code = demo.run(new org.asr3m.platform.demo.DemoCommand.Options(recipes, epochs, embeddingEpochs, parallel,
          keepServing));
      if (keepServing) {
        System.out.printf("serving at http://localhost:%d/ (Ctrl-C to stop)%n", port);
      }
      return code;
    }
  }

  /** True when the arguments name a one-shot command (the web server is not started for it). */
  static boolean isCommand(String[] args) {
    return args.length > 0 && args[0].equals("token");
  }

  /**
   * The demo's {@code --parallel} value, read before the application starts: the in-process worker
   * needs that many slots from its first poll, and libtorch takes its thread count once, at engine start.
   */
  static int demoParallel(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--parallel") && i + 1 < args.length) {
        return parsePositive(args[i + 1]);
      }
      if (args[i].startsWith("--parallel=")) {
        return parsePositive(args[i].substring("--parallel=".length()));
      }
    }
    return 2;
  }

  private static int parsePositive(String s) {
    try {
      return Math.max(1, Integer.parseInt(s.strip()));
    } catch (NumberFormatException e) {
      return 1; // picocli reports the bad value when it parses the command
    }
  }

  /** True when the application exits after its command (the demo, unless it keeps serving). */
  static boolean exitsWhenDone(String[] args) {
    return args.length > 0 && args[0].equals("demo") && !java.util.Arrays.asList(args).contains("--keep-serving");
  }

  @Override
  public void run(ApplicationArguments args) {
    String[] argv = args.getSourceArgs();
    if (!isCommand(argv) && !(argv.length > 0 && argv[0].equals("demo"))) {
      return;
    }
    CreateToken create = new CreateToken();
    create.tokens = tokens;
    Demo demo = new Demo();
    demo.tokens = tokens;
    demo.port = env.getProperty("local.server.port", Integer.class, 8080);
    CommandLine cmd = new CommandLine(new Root(), new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == CreateToken.class ? cls.cast(create) : cls == Demo.class ? cls.cast(demo)
            : CommandLine.defaultFactory().create(cls);
      }
    });
    cmd.setExecutionExceptionHandler((e, c, parsed) -> {
      c.getErr().println("platform-api " + c.getCommandName() + ": error: " + e.getMessage());
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    cmd.setUnmatchedArgumentsAllowed(true);
    exitCode = cmd.execute(argv);
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }
}
