package org.asr3m.features;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.asr3m.audio.AudioOptions;
import org.asr3m.audio.AudioReader;
import org.asr3m.io.InputException;

/**
 * Audio files for augmentation (noise recordings, room impulse responses), listed Kaldi-style as
 * {@code <id> <path>} lines (paths relative to the list's directory, as in this project's wav.scp;
 * blank lines and lines starting with # are ignored), or every .wav / .flac file of a directory in
 * name order. Files are checked to exist when the list is read; they are decoded (mono, resampled to
 * 16 kHz) on first use and kept in memory up to {@code maxCachedSamples} in total, later ones are
 * read again at each use, so memory is bounded by the setting, not by the list.
 */
public final class AudioFileList {
  public static final int RATE = 16000;
  private static final AudioOptions OPTIONS = AudioOptions.MONO_16K.withResample(true);

  private final Path source;
  private final List<Path> files;
  private final long maxCachedSamples;
  private final ConcurrentHashMap<Integer, float[]> cache = new ConcurrentHashMap<>();
  private final AtomicLong cached = new AtomicLong();

  private AudioFileList(Path source, List<Path> files, long maxCachedSamples) {
    this.source = source;
    this.files = List.copyOf(files);
    this.maxCachedSamples = maxCachedSamples;
  }

  /** Reads a list file or a directory; every problem is an {@link InputException} naming file and line. */
  public static AudioFileList read(Path listOrDir, long maxCachedSamples) {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(listOrDir)) {
      try (var s = Files.list(listOrDir)) {
        s.filter(p -> {
          String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
          return n.endsWith(".wav") || n.endsWith(".flac");
        }).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new InputException(listOrDir, 0, "cannot list directory: " + e.getMessage(), e);
      }
    } else {
      List<String> lines;
      try {
        lines = Files.readAllLines(listOrDir, StandardCharsets.UTF_8);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new InputException(listOrDir, "audio list not found");
      } catch (IOException e) {
        throw new InputException(listOrDir, 0, "cannot read audio list: " + e.getMessage(), e);
      }
      Path base = listOrDir.toAbsolutePath().getParent();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\\s+", 2);
        if (f.length < 2) {
          throw new InputException(listOrDir, i + 1, "expected '<id> <path>', got '" + line + "'");
        }
        Path p = base.resolve(f[1].strip());
        if (!Files.isRegularFile(p)) {
          throw new InputException(listOrDir, i + 1, "audio file not found: " + p);
        }
        files.add(p);
      }
    }
    if (files.isEmpty()) {
      throw new InputException(listOrDir, "no audio files listed");
    }
    return new AudioFileList(listOrDir, files, maxCachedSamples);
  }

  public Path source() {
    return source;
  }

  public int size() {
    return files.size();
  }

  /** Samples of file {@code index} at 16 kHz, in [-1, 1]. Callers must not modify the array. */
  public float[] samples(int index) {
    float[] s = cache.get(index);
    if (s != null) {
      return s;
    }
    s = AudioReader.read(files.get(index), OPTIONS).samples();
    if (cached.addAndGet(s.length) <= maxCachedSamples) {
      float[] prev = cache.putIfAbsent(index, s);
      if (prev != null) {
        cached.addAndGet(-s.length);
        return prev;
      }
    } else {
      cached.addAndGet(-s.length);
    }
    return s;
  }
}
