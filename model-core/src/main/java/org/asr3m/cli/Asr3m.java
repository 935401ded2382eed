package org.asr3m.cli;

import java.io.PrintWriter;
import org.asr3m.io.InputException;
import org.asr3m.train.OutOfMemoryAdvice;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code asr3m} command-line tool. */
@Command(name = "asr3m", mixinStandardHelpOptions = true, versionProvider = Asr3m.Version.class,
    description = "3M-ASR: features, training, decoding and scoring for Conformer / MoE / 3M speech models.",
    subcommands = {FbankCommand.class, CmvnCommand.class, BuildUnitsCommand.class, TrainCommand.class,
        DecodeCommand.class, CerCommand.class, ParamsCommand.class, CtcLossCommand.class, BenchCommand.class,
        PrepWenetSpeechCommand.class, MakeShardsCommand.class,
        CommandLine.HelpCommand.class})
public final class Asr3m {
  /** Exit code for bad input (missing or malformed files, invalid options). */
  public static final int EXIT_BAD_INPUT = 2;
  /** Exit code when a batch finished but some items failed (the good ones were written). */
  public static final int EXIT_PARTIAL = 3;
  /** Exit code when memory ran out (the message says which memory and which setting to change). */
  public static final int EXIT_OUT_OF_MEMORY = 4;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns the exit code (used by tests without spawning a JVM). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs a command line with its output and errors going to the given writers. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    // DJL must not try to download native libraries: the PyTorch natives ship in the jar.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    return execute(commandLine(), out, err, args);
  }

  /** Runs {@code args} on {@code cmd} (tests add subcommands to {@link #commandLine()}). */
  static int execute(CommandLine cmd, PrintWriter out, PrintWriter err, String... args) {
    cmd.setOut(out);
    cmd.setErr(err);
    try {
      return cmd.execute(args);
    } catch (Error e) { // picocli hands only Exceptions to handleError; OutOfMemoryError arrives here
      var advice = OutOfMemoryAdvice.of(e);
      if (advice.isEmpty()) {
        throw e;
      }
      return outOfMemory(err, commandName(cmd), advice.get());
    }
  }

  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Asr3m());
    cmd.setExecutionExceptionHandler(Asr3m::handleError);
    return cmd;
  }

  /**
   * Bad input and lack of memory are the user's to fix: print the message (which names the file, or
   * the memory and the setting), not a stack trace.
   */
  private static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName(); // "asr3m bench decode", not just "decode"
    var advice = OutOfMemoryAdvice.of(e);
    if (advice.isPresent()) {
      return outOfMemory(err, name, advice.get());
    }
    var natives = NativeLibraryAdvice.of(e);
    if (natives.isPresent()) {
      err.println(name + ": error: " + natives.get());
      err.flush();
      return 1;
    }
    if (e instanceof InputException || e instanceof IllegalArgumentException) {
      err.println(name + ": error: " + e.getMessage());
      err.flush();
      return EXIT_BAD_INPUT;
    }
    err.println(name + ": internal error: " + e);
    e.printStackTrace(err);
    err.flush();
    return 1;
  }

  /** Running out of memory is a setting to change, not a bug: say which one, without a stack trace. */
  private static int outOfMemory(PrintWriter err, String command, OutOfMemoryAdvice.Advice advice) {
    err.println(command + ": error: " + advice.message());
    err.flush();
    return EXIT_OUT_OF_MEMORY;
  }

  /**
   * The subcommand that was running with its parents, e.g. "asr3m bench decode" (its parse result
   * survives the failure).
   */
  private static String commandName(CommandLine cmd) {
    CommandLine.ParseResult pr = cmd.getParseResult();
    if (pr == null) {
      return cmd.getCommandSpec().qualifiedName();
    }
    while (pr.hasSubcommand()) {
      pr = pr.subcommand();
    }
    return pr.commandSpec().qualifiedName();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Asr3m.class.getPackage().getImplementationVersion();
      return new String[] {"asr3m " + (v == null ? "development build" : v)};
    }
  }
}
