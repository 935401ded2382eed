package org.asr3m.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks that print throughput numbers (not pass/fail tests).",
    subcommands = {BenchFbankCommand.class, BenchTrainCommand.class, BenchDecodeCommand.class,
        BenchCheckpointCommand.class, BenchCtcCommand.class, BenchMatmulCommand.class, BenchDataCommand.class})
final class BenchCommand {}
