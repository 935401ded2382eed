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
 * (the admin command of the access control). Without a command the platform serves until stopped.
 */
@Component
class PlatformCommandLine implements ApplicationRunner, ExitCodeGenerator {
  private final ApiTokenService tokens;
  private int exitCode;

  PlatformCommandLine(ApiTokenService tokens) {
    this.tokens = tokens;
  }

  @Command(name = "platform-api.jar", mixinStandardHelpOptions = true, subcommands = TokenCommand.class,
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

  /** True when the arguments name a one-shot command (the web server is not started for it). */
  static boolean isCommand(String[] args) {
    return args.length > 0 && args[0].equals("token");
  }

  @Override
  public void run(ApplicationArguments args) {
    String[] argv = args.getSourceArgs();
    if (!isCommand(argv)) {
      return;
    }
    CreateToken create = new CreateToken();
    create.tokens = tokens;
    CommandLine cmd = new CommandLine(new Root(), new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == CreateToken.class ? cls.cast(create) : CommandLine.defaultFactory().create(cls);
      }
    });
    cmd.setUnmatchedArgumentsAllowed(true);
    exitCode = cmd.execute(argv);
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }
}
